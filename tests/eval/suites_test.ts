import assert from "node:assert/strict";
import { Effect } from "effect";
import { evaluateClassification } from "../../src/eval/classification_eval.ts";
import { evaluateClustering } from "../../src/eval/clustering_eval.ts";
import { ortGemm } from "../../src/eval/ort_gemm.ts";
import type { SentenceEncoder } from "../../src/eval/sentence_encoder.ts";
import { randomVector } from "../../src/static/random_encoder.ts";
import { fnv1a } from "../../src/tokenize/fnv1a.ts";
import { testPaths } from "../test_paths.ts";
import { TEST_CACHE } from "../temp_cache.ts";

const DIM = 64;

// onnxruntime keeps its thread pool alive across tests by design.
const opts = { sanitizeOps: false, sanitizeResources: false };

/** A tiny bag of hashed lowercase words: cheap, and far better than chance. */
const bagOfWords: SentenceEncoder = {
  hash: "test-bag-of-words",
  fit: () =>
    Effect.succeed({
      embed: (texts: ReadonlyArray<string>) =>
        Effect.sync(() => {
          const data = new Float32Array(texts.length * DIM);
          const v = new Float32Array(DIM);
          texts.forEach((t, i) => {
            for (const w of t.toLowerCase().match(/\p{L}+/gu) ?? []) {
              randomVector(7, fnv1a(w), v);
              for (let j = 0; j < DIM; j++) data[i * DIM + j] += v[j];
            }
          });
          return { rows: texts.length, dim: DIM, data };
        }),
    }),
};

Deno.test({
  name:
    "clustering suite on Tweet: real data, beats chance, k-means runs on the first call (a miss in this file's fresh cache), second call from the result cache",
  ...opts,
  fn: async () => {
    const gemm = await ortGemm(2);
    const run = () =>
      Effect.runPromise(
        evaluateClustering(bagOfWords, testPaths.data, {
          gemm,
          tasks: ["Tweet"],
          seeds: 2,
        }),
      );
    const first = await run();
    const second = await run();
    const s = second.tasks.Tweet!;
    assert.equal(s.k, 89);
    assert.equal(s.rows, 2472);
    assert.ok(s.acc > 20 && s.nmi > 50, `ACC ${s.acc}, NMI ${s.nmi}`);
    // Hermetic: the first call computed (never a hit left by an earlier run),
    // the second read what the first stored in this file's own cache.
    assert.equal(first.tasks.Tweet!.cached, false);
    assert.ok(second.tasks.Tweet!.cached);
    assert.equal(first.tasks.Tweet!.acc, s.acc);
    assert.equal(first.tasks.Tweet!.nmi, s.nmi);
  },
});

Deno.test({
  name:
    "classification suite on AmazonCounterfactual: dev protocol, beats the majority class",
  ...opts,
  fn: async () => {
    const gemm = await ortGemm(2);
    const r = await Effect.runPromise(
      evaluateClassification(bagOfWords, testPaths.data, {
        gemm,
        tasks: ["AmazonCounterfactual"],
      }),
    );
    const s = r.tasks.AmazonCounterfactual!;
    // Logistic regression really ran: this file's cache started empty.
    assert.equal(s.cached, false);
    assert.equal(s.protocol, "dev");
    assert.equal(s.testRows, 670);
    // The test split is about 79% class 0.
    assert.ok(s.accuracy > 80, `accuracy ${s.accuracy}`);
    assert.equal(r.average, s.accuracy);
  },
});

Deno.test("this file's result cache is its own fresh folder, not the project's .cache", () => {
  assert.equal(Deno.env.get("SENTEMB_CACHE"), TEST_CACHE);
  assert.match(TEST_CACHE, /\.cache\/test-[^/]+$/);
});
