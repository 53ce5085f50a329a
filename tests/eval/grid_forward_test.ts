import assert from "node:assert/strict";
import { Effect, Layer } from "effect";
import { cachedForwardLayer } from "../../src/eval/cached_forward.ts";
import { gridVariants } from "../../src/eval/grid.ts";
import { Forward } from "../../src/forward/service.ts";
import { TINY_CONFIGS } from "../../src/onnx/fixture/config.ts";
import { buildModelFolder } from "../../src/onnx/fixture/model_folder.ts";
import { loadPipeline } from "../../src/pipeline/load.ts";
import { pipeline } from "../../src/pipeline/builder.ts";
import type { PipelineSpec } from "../../src/pipeline/spec.ts";
import { lastLayer, meanPool, transformer } from "../../src/stages/mod.ts";
import { servicesLayer } from "../../src/services.ts";
import { testPaths } from "../test_paths.ts";
import { TEST_MODELS } from "../temp_cache.ts";

// onnxruntime keeps its thread pool alive across tests by design.
const opts = { sanitizeOps: false, sanitizeResources: false };

const MODELS = TEST_MODELS;
const paths = { ...testPaths, models: MODELS };
const SENTENCES = [
  "A man is playing a guitar.",
  "Two dogs run.",
  "The market fell today.",
];

/** The native forward, counting the batches it really runs. */
const counting = (calls: { n: number }) =>
  Layer.effect(
    Forward,
    Effect.gen(function* () {
      const base = yield* Forward;
      return Forward.of({
        backend: base.backend,
        load: (path) =>
          Effect.map(base.load(path), (m) => ({
            info: m.info,
            run: (b) => Effect.suspend(() => (calls.n++, m.run(b))),
          })),
      });
    }),
  ).pipe(Layer.provide(servicesLayer(paths)));

const embedAll = (specs: PipelineSpec[], layer: Layer.Layer<Forward | never>) =>
  Effect.runPromise(
    Effect.forEach(specs, (s) =>
      loadPipeline(s).pipe(
        Effect.flatMap((p) => p.fit(SENTENCES)),
        Effect.flatMap((e) => e.embed(SENTENCES)),
      )).pipe(Effect.provide(Layer.merge(servicesLayer(paths), layer))),
  );

Deno.test({
  name:
    "a transformer grid runs the model once: every later variant reads the cached hidden states",
  ...opts,
  fn: async () => {
    await Effect.runPromise(buildModelFolder(
      MODELS,
      "tiny-bert-grid",
      { ...TINY_CONFIGS.bert, vocab_size: 30522, max_position_embeddings: 128 },
      `${testPaths.models}/bert-base-uncased`,
      { seed: 3 },
    ));
    const base: PipelineSpec = pipeline(
      "tiny-bert-grid",
      transformer("tiny-bert-grid", { layers: lastLayer() }),
      meanPool(),
    );
    const variants = gridVariants(base);
    assert.ok(
      new Set(variants.map((v) => v.axes.layers)).size >= 2,
      "layers are an axis",
    );
    const specs = variants.slice(0, 6).map((v) => v.spec);
    const dir = await Deno.makeTempDir({ dir: ".cache" });
    try {
      const uncached = { n: 0 };
      const direct = await embedAll(specs, counting(uncached));
      const cached = { n: 0 };
      const viaCache = await embedAll(
        specs,
        cachedForwardLayer({ dir }).pipe(Layer.provide(counting(cached))),
      );
      // Three short sentences are one batch: run once for the whole grid.
      // Without the cache every variant runs it, twice when a
      // post-processing step is fitted on the input first.
      assert.equal(cached.n, 1);
      assert.ok(
        uncached.n >= specs.length,
        `${uncached.n} runs without the cache`,
      );
      viaCache.forEach((e, v) => {
        for (let i = 0; i < e.data.length; i++) {
          assert.ok(
            Math.abs(e.data[i] - direct[v].data[i]) < 1e-5,
            `variant ${v} value ${i}`,
          );
        }
      });
      // A rerun reads every state from disk.
      const rerun = { n: 0 };
      await embedAll(
        specs,
        cachedForwardLayer({ dir }).pipe(Layer.provide(counting(rerun))),
      );
      assert.equal(rerun.n, 0);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
