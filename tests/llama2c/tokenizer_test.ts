import "../temp_cache.ts";
import assert from "node:assert/strict";
import { Effect } from "effect";
import {
  decode,
  encode,
  llama2cTokenizer,
  parseVocab,
} from "../../src/llama2c/mod.ts";
import { golden, stories } from "./stories.ts";
import { basePieces, vocabBytes } from "./vocab_bytes.ts";

const tok = stories.tokenizer;

Deno.test("encode gives llama2.c's ids on prompts, spacing, newlines and non-ASCII", () => {
  assert.ok(golden.encode.length >= 12);
  for (const { text, ids } of golden.encode) {
    assert.deepEqual(Array.from(tok.encode(text)), ids, JSON.stringify(text));
  }
});

// Ids 259… of a hand-made vocabulary: " "=259, "a"=260, "b"=261, "ab"=262,
// " a"=263, "ba"=264, "abab"=265.
const toy = Effect.runSync(parseVocab(
  vocabBytes(8, [
    ...basePieces(),
    [0, " "],
    [0, "a"],
    [0, "b"],
    [1, "ab"],
    [0.5, " a"],
    [2, "ba"],
    [0, "abab"],
  ]),
  "toy.bin",
));

Deno.test("merges follow the hand trace: best score first, leftmost on ties", () => {
  const ids = (text: string, eos = false) =>
    Array.from(encode(toy, text, { bos: true, eos }));
  // [" ","a","b","a"]: "ba" (2) beats "ab" (1) and " a" (0.5); then " a".
  assert.deepEqual(ids("aba"), [1, 263, 264]);
  // [" ","a","b","a","b"]: "ba" first at index 2, then " a"; "bab" is no piece.
  assert.deepEqual(ids("abab"), [1, 263, 264, 261]);
  // Code points that are no piece fall back to their UTF-8 bytes + 3.
  assert.deepEqual(ids("é"), [1, 259, 0xc3 + 3, 0xa9 + 3]);
  assert.deepEqual(ids(""), [1]);
  assert.deepEqual(ids("", true), [1, 2]);
  assert.deepEqual(Array.from(encode(toy, "b", { bos: false, eos: false })), [
    259,
    261,
  ]);
  // Overlapping pairs of equal score: the leftmost merges first, so
  // [" ","a","a","a"] → [" ","aa","a"], not [" ","a","aa"] (" "=259, "a"=260, "aa"=261).
  const ties = Effect.runSync(parseVocab(
    vocabBytes(8, [...basePieces(), [0, " "], [0, "a"], [1, "aa"]]),
    "t",
  ));
  assert.deepEqual(
    Array.from(encode(ties, "aaa", { bos: false, eos: false })),
    [259, 261, 260],
  );
});

Deno.test("decode inverts encode and renders byte pieces as bytes", () => {
  for (const { text, ids } of golden.encode) {
    assert.equal(decode(tok.vocab, ids), text);
  }
  assert.equal(tok.decode(golden.greedy), golden.greedyText);
  // A leading space is dropped only right after BOS; <0x0A> is a newline.
  const once = tok.encode("Once", { bos: false, eos: false });
  assert.equal(tok.decode(once), " Once");
  assert.equal(tok.decode([1, ...once, 3 + 0x0a]), "Once\n");
});

Deno.test("tokenize satisfies sentemb's Tokenizer: BOS first and flagged special", () => {
  const t = llama2cTokenizer(tok.vocab, "tok512").tokenize("Once upon a time");
  assert.deepEqual(Array.from(t.ids), [1, 403, 407, 261, 378]);
  assert.deepEqual(t.tokens, ["\n<s>\n", " Once", " upon", " a", " time"]);
  assert.deepEqual(Array.from(t.special), [1, 0, 0, 0, 0]);
});

Deno.test("malformed tokenizer files are Llama2cFormatError with the reason", () => {
  const good = vocabBytes(8, [...basePieces(), [0, " "]]);
  const fail = (bytes: Uint8Array, size?: number) =>
    Effect.runSync(Effect.flip(parseVocab(bytes, "v.bin", size))).message;
  assert.equal(
    Effect.runSync(parseVocab(good, "v.bin", 260)).pieces.length,
    260,
  );
  assert.match(fail(good, 261), /truncated: 260 pieces, the model expects 261/);
  assert.match(fail(good, 259), /trailing bytes after 259 pieces/);
  assert.match(
    fail(good.slice(0, good.length - 1)),
    /piece 259 has length 1 .*0 bytes left/,
  );
  assert.match(
    fail(good.slice(0, good.length - 6)),
    /truncated inside piece 259/,
  );
  assert.match(
    fail(vocabBytes(8, [...basePieces(), [0, "abcdefghi"]])),
    /length 9 \(max_token_length 8/,
  );
  assert.match(fail(vocabBytes(0, [])), /max_token_length 0 is not positive/);
  assert.match(fail(vocabBytes(8, basePieces())), /no single-space piece/);
  const swapped = basePieces();
  [swapped[10], swapped[11]] = [swapped[11], swapped[10]];
  assert.match(
    fail(vocabBytes(8, [...swapped, [0, " "]])),
    /piece 10 is not the byte-fallback piece for 0x07/,
  );
});
