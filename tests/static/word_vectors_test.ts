import assert from "node:assert/strict";
import { Effect } from "effect";
import { pathsLayer } from "../../src/paths.ts";
import {
  loadWordVectors,
  parseWordVectors,
  wordVectorEncoder,
} from "../../src/static/word_vectors.ts";
import { testPaths } from "../test_paths.ts";

Deno.test("parses word2vec text with a header, and GloVe without one", () => {
  const w2v = parseWordVectors("2 3\nking 1 2 3\nQueen 0.5 -1 2e-1\n", "t");
  assert.equal(w2v.dim, 3);
  assert.deepEqual(Array.from(w2v.table.get("Queen")!), [
    0.5,
    -1,
    Math.fround(0.2),
  ]);
  const glove = parseWordVectors("the 0 1\nof 1 0\n", "g");
  assert.equal(glove.dim, 2);
  assert.equal(glove.table.size, 2);
});

Deno.test("rows of the wrong width or with non-numbers are errors", () => {
  assert.throws(
    () => parseWordVectors("2 3\nking 1 2\n", "f"),
    /line 2 has 2 values, expected 3/,
  );
  assert.throws(
    () => parseWordVectors("king 1 x\n", "f"),
    /non-numeric value "x"/,
  );
  assert.throws(() => parseWordVectors("\n", "f"), /holds no vectors/);
});

Deno.test("lookup falls back to lowercase and reports unknown words", () => {
  const enc = wordVectorEncoder(
    "t",
    2,
    new Map([["paris", new Float32Array([1, 2])]]),
  );
  const out = new Float32Array(2);
  assert.equal(enc.vector(0, "Paris", out), true);
  assert.deepEqual(Array.from(out), [1, 2]);
  assert.equal(enc.vector(0, "zzz", out), false);
});

Deno.test("the shipped word2vec table loads: 1,000 words of 300 dimensions", async () => {
  const enc = await Effect.runPromise(
    loadWordVectors("word2vec-top1000-300d/vectors.txt").pipe(
      Effect.provide(pathsLayer(testPaths)),
    ),
  );
  assert.equal(enc.dim, 300);
  const v = new Float32Array(300);
  assert.equal(enc.vector(0, "in", v), true);
  // First values of the "in" row of vectors.txt.
  assert.ok(
    Math.abs(v[0] - 0.052956) < 1e-6 && Math.abs(v[1] - 0.06546) < 1e-6,
  );
});

Deno.test("a missing vectors file is MissingModelFiles", async () => {
  const error = await Effect.runPromise(
    Effect.flip(loadWordVectors("nope/vectors.txt")).pipe(
      Effect.provide(pathsLayer(testPaths)),
    ),
  );
  assert.equal(error._tag, "MissingModelFiles");
});
