import "../temp_cache.ts";
import assert from "node:assert/strict";
import { aggregate, aggregateTexts } from "../../src/aggregate/aggregate.ts";
import { tokenFilter } from "../../src/aggregate/token_filter.ts";
import { randomEncoder } from "../../src/static/random_encoder.ts";
import { wordTokenizer } from "../../src/tokenize/word_tokenizer.ts";

// Texts that take every branch: all tokens dropped, all weights zero, no
// token at all but punctuation, repeats past the merge window (64 distinct
// rows) and past a kernel call (256 rows), non-ASCII text (the tokenizer's
// regex path), and words that only differ in case.
const TEXTS = [
  "The dogs were playing; the dog plays.",
  "the the the",
  "zero zero",
  "... !",
  "Café dogs played in the café",
  "caf\u00e9",
  "2\u00b2 is 4, 3.5 cm",
  Array.from({ length: 90 }, (_, i) => `w${i % 70}x`).join(" "),
  Array.from({ length: 300 }, (_, i) => `v${i}`).join(" "),
  "DOGS Dogs dogs",
  "'s 'tis rock'n'roll",
];

const aggregator = (cacheRows?: number) => {
  const weights = new Map([["dog", 2], ["zero", 0], ["plai", 0.5]]);
  return {
    encoder: randomEncoder({ dim: 12, seed: 5, cacheRows }),
    weight: (t: string) => weights.get(t) ?? 1,
    keep: tokenFilter({
      special: true,
      punctuation: true,
      subwords: false,
      drop: new Set(["the"]),
    }),
    pooling: "mean" as const,
  };
};

Deno.test("pooling texts by keys gives the bits of tokenizing then pooling", () => {
  // Many rounds, in several orders: the word table and memories fill as
  // they go, and a batch mixes texts the scanner takes and declines.
  for (const cacheRows of [undefined, 3]) {
    const words = wordTokenizer({ lowercase: true, stem: true });
    const keys = words.keys!;
    assert.ok(keys);
    const fused = aggregator(cacheRows);
    const plain = aggregator(cacheRows);
    for (let round = 0; round < 3; round++) {
      const texts = round === 1 ? [...TEXTS].reverse() : TEXTS;
      const want = aggregate(texts.map((t) => words.tokenize(t)), plain);
      const got = aggregateTexts(texts, keys, (t) => words.tokenize(t), fused);
      assert.equal(got.rows, texts.length);
      assert.deepEqual(
        new Uint32Array(got.data.buffer),
        new Uint32Array(want.data.buffer),
        `cacheRows ${cacheRows}, round ${round}`,
      );
    }
  }
});

Deno.test("the key scan declines non-ASCII text and keys the tokenizer's tokens otherwise", () => {
  const words = wordTokenizer({ lowercase: true, stem: true });
  const keys = words.keys!;
  for (const text of ["Café dogs", "dogs café", "2\u00b2", "dogs'\u00e9"]) {
    assert.equal(keys.scan(text), -1, text);
  }
  for (const text of TEXTS.filter((t) => !/[\u0080-\uffff]/.test(t))) {
    const t = words.tokenize(text);
    const n = keys.scan(text);
    assert.equal(n, t.tokens.length, text);
    const k = keys.keys.slice(0, n);
    assert.deepEqual([...k], [...t.keys!], text);
    assert.deepEqual([...k].map((i) => keys.tokens[i]), t.tokens, text);
    assert.deepEqual([...k].map((i) => keys.ids[i]), [...t.ids], text);
  }
});

// A distinct letters-only word for each i (digits would split it in two).
const nth = (i: number) => {
  let w = "q";
  do {
    w += String.fromCharCode(97 + (i % 26));
    i = Math.floor(i / 26);
  } while (i > 0);
  return w;
};

Deno.test("past a full word table the scan declines new words and pooling still matches", () => {
  const words = wordTokenizer({ lowercase: true, stem: false });
  const keys = words.keys!;
  // 200,000 distinct words fill the table (its limit); later ones overflow.
  for (let i = 0; i < 200_000; i += 1000) {
    const text = Array.from({ length: 1000 }, (_, j) => nth(i + j)).join(" ");
    assert.equal(keys.scan(text), 1000);
  }
  assert.equal(keys.scan("fresh words"), -1);
  assert.equal(words.tokenize("fresh words").keys, undefined);
  const known = `${nth(12)} ${nth(1999)}`;
  assert.equal(keys.scan(known), 2);
  const texts = ["fresh words", known, `${nth(5)} and more`, nth(7)];
  const want = aggregate(texts.map((t) => words.tokenize(t)), aggregator());
  const got = aggregateTexts(
    texts,
    keys,
    (t) => words.tokenize(t),
    aggregator(),
  );
  assert.deepEqual(
    new Uint32Array(got.data.buffer),
    new Uint32Array(want.data.buffer),
  );
});
