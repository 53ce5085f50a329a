import "../temp_cache.ts";
import assert from "node:assert/strict";
import { fnv1a } from "../../src/tokenize/fnv1a.ts";
import { wordTokenizer } from "../../src/tokenize/word_tokenizer.ts";

Deno.test("fnv1a matches the published FNV-1a 32-bit test vectors", () => {
  // From the FNV reference test suite (isthe.com/chongo/tech/comp/fnv).
  assert.equal(fnv1a(""), 0x811c9dc5);
  assert.equal(fnv1a("a"), 0xe40c292c);
  assert.equal(fnv1a("foobar"), 0xbf9cf968);
});

Deno.test("word tokenizer splits words, clitics, numbers and punctuation", () => {
  const t = wordTokenizer({ lowercase: true }).tokenize(
    "The U.S. woman's 3,000 cats -- don't!",
  );
  assert.deepEqual(t.tokens, [
    "the",
    "u",
    ".",
    "s",
    ".",
    "woman",
    "'s",
    "3,000",
    "cats",
    "-",
    "-",
    "don",
    "'t",
    "!",
  ]);
  assert.deepEqual(Array.from(t.ids), t.tokens.map(fnv1a));
  assert.ok(t.special.every((s) => s === 0));
});

Deno.test("word tokenizer keeps case when asked and handles empty text", () => {
  const keep = wordTokenizer({ lowercase: false });
  assert.deepEqual(keep.tokenize("Paris Hilton").tokens, ["Paris", "Hilton"]);
  assert.equal(keep.tokenize("   ").tokens.length, 0);
  assert.deepEqual(keep.tokenize("naïve café").tokens, ["naïve", "café"]);
});

Deno.test("ASCII text tokenizes exactly as the Unicode pattern splits it", () => {
  // The pattern as the tokenizer documents it, applied directly.
  const unicode =
    /'\p{L}+|\p{L}[\p{L}\p{M}]*|\p{N}+(?:[.,:]\p{N}+)*|[^\s\p{L}\p{N}]/gu;
  const alphabet = "aZ9'.,:- \t\n!\"#$%&()*+/;<=>?@[\\]^_`{|}~x0";
  let seed = 11;
  const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
  const tokenizer = wordTokenizer({ lowercase: false });
  for (let trial = 0; trial < 2000; trial++) {
    const length = next() % 24;
    const text = Array.from(
      { length },
      () => alphabet[next() % alphabet.length],
    ).join("");
    assert.deepEqual(
      tokenizer.tokenize(text).tokens,
      text.match(unicode) ?? [],
      JSON.stringify(text),
    );
  }
  // One character past ASCII sends the whole text down the Unicode path.
  assert.deepEqual(tokenizer.tokenize("café's 2.5").tokens, [
    "café",
    "'s",
    "2.5",
  ]);
});
