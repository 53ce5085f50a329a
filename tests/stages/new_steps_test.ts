import assert from "node:assert/strict";
import { Effect } from "effect";
import {
  decodeStatistics,
  encodeStatistics,
} from "../../src/artifact/fitted_statistics.ts";
import { fromData } from "../../src/embeddings.ts";
import { pipeline } from "../../src/pipeline/builder.ts";
import {
  outputPrecision,
  reducibleDimensions,
} from "../../src/pipeline/describe.ts";
import { loadPipeline } from "../../src/pipeline/load.ts";
import { planOf } from "../../src/pipeline/plan.ts";
import {
  center,
  l2,
  meanPool,
  quantize,
  randomVectors,
  truncate,
  whiten,
  wordTokens,
  zscore,
} from "../../src/stages/mod.ts";
import { contentHash } from "../../src/artifact/content_hash.ts";
import { pipelineHash, withoutArtifact } from "../../src/pipeline/hash.ts";
import { Paths } from "../../src/paths.ts";
import { testLayer, testPaths } from "../test_paths.ts";
import { applyStep, fit, fitStep } from "./step_harness.ts";

Deno.test("truncate keeps the first k components, and refuses more than it gets", () => {
  const x = fromData(2, 4, Float32Array.of(1, 2, 3, 4, 5, 6, 7, 8));
  const out = applyStep(fit(truncate(2), x), x);
  assert.deepEqual([out.rows, out.dim], [2, 2]);
  assert.deepEqual(Array.from(out.data), [1, 2, 5, 6]);
  const e = Effect.runSync(Effect.flip(fitStep(truncate(5), x)));
  assert.equal(e._tag, "BadConfig");
  assert.match(e.message, /dims = 5 exceeds the 4 dimensions/);
});

Deno.test("int8 quantization as sentence-transformers: calibrated ranges, truncated, clamped", () => {
  // Calibration: column 0 spans [0, 255] (step 1), column 1 [−10, 10] (step 20/255).
  const calibration = fromData(2, 2, Float32Array.of(0, 10, 255, -10));
  const q = fit(quantize("int8", "corpus"), calibration);
  const x = fromData(3, 2, Float32Array.of(100, 0, 300, 50, -5, -20));
  const out = applyStep(q, x);
  // 100 → trunc(100 − 128) = −28; 0 → trunc(10/(20/255) − 128) = trunc(−0.5) = 0;
  // 300 → 172 clamps to 127; 50 → 637 clamps to 127;
  // −5 → −133 clamps to −128; −20 → trunc(−127.5 − 128) clamps to −128.
  assert.deepEqual(Array.from(out.data), [-28, 0, 127, 127, -128, -128]);
});

Deno.test("binary quantization packs signs 8 to a byte, most significant bit first", () => {
  const x = fromData(
    1,
    10,
    Float32Array.of(0.5, -1, 0, 2, 3, -4, 5, 6, 7, -8),
  );
  // > 0: 1 0 0 1 1 0 1 1 | 1 0 (padded) → 0b10011011 = 155, 0b10000000 = 128.
  const binary = applyStep(fit(quantize("binary"), x), x);
  assert.deepEqual([binary.rows, binary.dim], [1, 2]);
  assert.deepEqual(Array.from(binary.data), [155 - 128, 128 - 128]);
  const ubinary = applyStep(fit(quantize("ubinary"), x), x);
  assert.deepEqual(Array.from(ubinary.data), [155, 128]);
});

Deno.test("describe is derived from the stages: precision and reducible dimensions", () => {
  const base = [wordTokens(), randomVectors(16), meanPool()] as const;
  const plan = (...rest: Parameters<typeof pipeline>[1][]) =>
    planOf(pipeline("p", ...base, ...rest));
  assert.equal(outputPrecision(plan()), "float32");
  assert.equal(outputPrecision(plan(quantize("binary"))), "int8");
  assert.equal(outputPrecision(plan(quantize("ubinary"))), "uint8");
  assert.equal(reducibleDimensions(plan(center(), l2())), true);
  assert.equal(reducibleDimensions(plan(quantize("binary"))), false);
  assert.equal(reducibleDimensions(plan(quantize("binary"), whiten())), true);
});

Deno.test("the artifact keeps each step's section by position, so any order round-trips", async () => {
  // zscore, l2, whiten, truncate, int8: a deliberately odd order.
  const spec = pipeline(
    "odd-order",
    wordTokens(),
    randomVectors(12, 3),
    meanPool(),
    zscore(),
    l2(),
    whiten({ epsilon: 1e-4 }),
    truncate(6),
    quantize("int8"),
  );
  const corpus = Array.from(
    { length: 60 },
    (_, i) => `sentence ${i} about topic ${i % 7} and word ${i % 5}`,
  );
  const texts = ["a sentence about topic 3", "word 4 again"];
  const fitted = await Effect.runPromise(
    loadPipeline(spec, { corpus: { label: "test", sentences: corpus } }).pipe(
      Effect.provide(testLayer),
    ),
  );
  const stats = fitted.corpusStatistics()!;
  // Sections for the fitted steps at their list positions (0-based).
  assert.deepEqual([...stats.fitted.sections.keys()].sort(), [3, 5, 7]);
  const bytes = encodeStatistics({
    kind: "pipeline-statistics",
    pipeline: spec.name,
    fittedFor: "test",
    corpus: "test",
  }, stats.fitted);
  const dir = await Deno.makeTempDir();
  try {
    // Written as `deno task fit` does: fitted for the spec without artifact.
    const real = encodeStatistics({
      kind: "pipeline-statistics",
      pipeline: spec.name,
      fittedFor: pipelineHash(withoutArtifact(spec)),
      corpus: "test",
    }, decodeStatistics(bytes).fitted);
    const hash = contentHash(real);
    await Deno.writeFile(`${dir}/${hash}.semb`, real);
    const shipped = { ...spec, artifact: hash };
    const viaCorpus = await Effect.runPromise(
      fitted.fit(texts).pipe(Effect.flatMap((e) => e.embed(texts))),
    );
    const viaArtifact = await Effect.runPromise(
      loadPipeline(shipped).pipe(
        Effect.flatMap((p) => p.fit(texts)),
        Effect.flatMap((e) => e.embed(texts)),
        Effect.provideService(Paths, { ...testPaths, artifactSearch: [dir] }),
        Effect.provide(testLayer),
      ),
    );
    assert.equal(viaArtifact.dim, 6);
    assert.deepEqual(viaArtifact.data, viaCorpus.data);
    assert.ok(viaCorpus.data.every((v) => Number.isInteger(v)));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
