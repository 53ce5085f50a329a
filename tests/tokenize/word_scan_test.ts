import "../temp_cache.ts";
import assert from "node:assert/strict";
import { stemmer } from "stemmer";
import { fnv1a } from "../../src/tokenize/fnv1a.ts";
import { wordTokenizer } from "../../src/tokenize/word_tokenizer.ts";

// The tokenizer's definition, written out the slow way: the regex of its
// documentation on the lowercased text, then a stem for letter-only words.
const ASCII_TOKEN =
  /'[A-Za-z]+|[A-Za-z]+|[0-9]+(?:[.,:][0-9]+)*|[^\sA-Za-z0-9]/g;
const reference = (text: string, lowercase: boolean, stem: boolean) => {
  const words = (lowercase ? text.toLowerCase() : text).match(ASCII_TOKEN) ??
    [];
  const tokens = words.map((w) => stem && /^\p{L}+$/u.test(w) ? stemmer(w) : w);
  return { tokens, ids: tokens.map(fnv1a) };
};

// Random ASCII text weighted towards what the scanner branches on.
const ALPHABET = "aAbBzZ'''0123456789.,:;- \t\n!?\"()$%&*/\\`~^_{}[]|#@+=<>\r";
const randomText = (seed: number) => {
  let s = seed;
  const next = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0);
  let text = "";
  const n = next() % 40;
  for (let i = 0; i < n; i++) {
    text += next() % 3 === 0
      ? ["Dogs", "playing", "U.S.", "3,000", "don't", "X"][next() % 6]
      : ALPHABET[next() % ALPHABET.length];
  }
  return text;
};

Deno.test("the ASCII scanner gives the regex's tokens and ids on random text", () => {
  for (
    const [lowercase, stem] of [[true, true], [true, false], [false, false], [
      false,
      true,
    ]]
  ) {
    const t = wordTokenizer({ lowercase, stem });
    for (let seed = 1; seed <= 3000; seed++) {
      const text = randomText(seed);
      const got = t.tokenize(text);
      const want = reference(text, lowercase, stem);
      assert.deepEqual(got.tokens, want.tokens, JSON.stringify(text));
      assert.deepEqual([...got.ids], want.ids, JSON.stringify(text));
      assert.equal(got.special.length, want.tokens.length);
    }
  }
});

Deno.test("a word met first in non-ASCII text is the same entry in ASCII text", () => {
  const t = wordTokenizer({ lowercase: true, stem: true });
  const a = t.tokenize("Café Dogs running");
  const b = t.tokenize("dogs running");
  assert.deepEqual(a.tokens, ["café", "dog", "run"]);
  assert.deepEqual(b.tokens, ["dog", "run"]);
  assert.deepEqual([...b.ids], [...a.ids.slice(1)]);
});
