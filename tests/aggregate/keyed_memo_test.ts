import "../temp_cache.ts";
import assert from "node:assert/strict";
import { aggregate } from "../../src/aggregate/aggregate.ts";
import { tokenFilter } from "../../src/aggregate/token_filter.ts";
import { randomEncoder } from "../../src/static/random_encoder.ts";
import { truncateTokens } from "../../src/tokenize/truncate.ts";
import { wordTokenizer } from "../../src/tokenize/word_tokenizer.ts";

Deno.test("pooling by the word tokenizer's keys gives the vectors pooling by strings gives", () => {
  const words = wordTokenizer({ lowercase: true, stem: true });
  const texts = [
    "The dogs were playing; the dog plays.",
    "A dog, a cat and the playing dogs!",
    "the the the .",
    "... !",
    "Café dogs played",
  ];
  const keyed = texts.map((t) => words.tokenize(t));
  assert.ok(keyed.every((t) => t.keys !== undefined));
  // The same sentences without keys (truncation copies drop them).
  const plain = keyed.map((t) => truncateTokens(t, t.tokens.length - 1));
  const plainAgain = keyed.map((t) => ({
    tokens: t.tokens,
    ids: t.ids,
    special: t.special,
  }));
  const weights = new Map([["dog", 2], ["the", 0], ["plai", 0.5]]);
  const agg = {
    encoder: randomEncoder({ dim: 8, seed: 3 }),
    weight: (t: string) => weights.get(t) ?? 1,
    keep: tokenFilter({
      special: true,
      punctuation: true,
      subwords: false,
      drop: new Set(["a"]),
    }),
    pooling: "mean" as const,
  };
  // Two aggregators: memories are per aggregator, so neither sees the other's.
  const a = aggregate(keyed, agg).data;
  const b = aggregate(plainAgain, { ...agg }).data;
  assert.deepEqual([...a], [...b]);
  assert.ok(plain.every((t) => t.keys === undefined));
  // Asked again (from memory), the keyed path gives the same bits.
  assert.deepEqual([...aggregate(keyed, agg).data], [...a]);
});
