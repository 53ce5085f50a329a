import "../temp_cache.ts";
import assert from "node:assert/strict";
import { tokenFilter } from "../../src/aggregate/token_filter.ts";
import { fitTokenStats, mostFrequent } from "../../src/tokenize/token_stats.ts";
import { idfWeight, sifWeight } from "../../src/aggregate/weighting.ts";
import { sentence } from "./fake_encoder.ts";

const docs = [
  sentence(["[CLS]", "a", "cat", "a", "[SEP]"], [0, 4]),
  sentence(["[CLS]", "a", "dog", "[SEP]"], [0, 3]),
  sentence(["[CLS]", "the", "cat", "[SEP]"], [0, 3]),
];

Deno.test("token statistics count documents and occurrences, not special tokens", () => {
  const s = fitTokenStats(docs);
  assert.equal(s.sentences, 3);
  assert.equal(s.tokens, 7);
  assert.equal(s.df.get("a"), 2);
  assert.equal(s.count.get("a"), 3);
  assert.equal(s.df.get("[CLS]"), undefined);
});

Deno.test("idf is log((N+1)/(df+1)), worked by hand", () => {
  const w = idfWeight(fitTokenStats(docs));
  assert.equal(w("a"), Math.log(4 / 3)); // df 2
  assert.equal(w("dog"), Math.log(4 / 2)); // df 1
  assert.equal(w("unseen"), Math.log(4)); // df 0
});

Deno.test("sif is a / (a + p(t)) with p the relative frequency", () => {
  const w = sifWeight(fitTokenStats(docs), 0.1);
  assert.ok(Math.abs(w("a") - 0.1 / (0.1 + 3 / 7)) < 1e-12);
  assert.equal(w("unseen"), 1);
});

Deno.test("most frequent tokens, ties broken alphabetically", () => {
  const s = fitTokenStats(docs);
  assert.deepEqual([...mostFrequent(s, 1)], ["a"]);
  assert.deepEqual([...mostFrequent(s, 2)], ["a", "cat"]);
});

Deno.test("filters drop special tokens, punctuation, ## pieces and named tokens", () => {
  const keep = tokenFilter({
    special: true,
    punctuation: true,
    subwords: true,
    drop: new Set(["the"]),
  });
  assert.equal(keep("[CLS]", true), false);
  assert.equal(keep("--", false), false);
  assert.equal(keep("'", false), false);
  assert.equal(keep("##ing", false), false);
  assert.equal(keep("the", false), false);
  assert.equal(keep("cat", false), true);
  assert.equal(keep("3", false), true);
  const lax = tokenFilter({
    special: false,
    punctuation: false,
    subwords: false,
    drop: new Set(),
  });
  assert.ok(
    ["[CLS]", "--", "##ing", "the"].every((t) => lax(t, t === "[CLS]")),
  );
});
