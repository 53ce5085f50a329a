import assert from "node:assert/strict";
import { Effect, ManagedRuntime } from "effect";
import {
  decodeStatistics,
  encodeStatistics,
} from "../../src/artifact/fitted_statistics.ts";
import { padBatch } from "../../src/tokenize/pad_batch.ts";
import { fixtureWeights } from "../../src/onnx/fixture/build.ts";
import {
  decodeArchConfig,
  TINY_CONFIGS,
} from "../../src/onnx/fixture/config.ts";
import { buildModelFolder } from "../../src/onnx/fixture/model_folder.ts";
import { referenceForward } from "../reference/mod.ts";
import { loadPipeline } from "../../src/pipeline/load.ts";
import { pipeline } from "../../src/pipeline/builder.ts";
import type { PipelineSpec } from "../../src/pipeline/spec.ts";
import {
  contextualAverage,
  l2,
  lastLayer,
  meanPool,
  staticMix,
  transformer,
  whiten,
} from "../../src/stages/mod.ts";
import { servicesLayer } from "../../src/services.ts";
import { loadPretrainedTokenizer } from "../../src/tokenize/pretrained_tokenizer.ts";
import { testPaths } from "../test_paths.ts";
import { TEST_MODELS } from "../temp_cache.ts";

const MODELS = TEST_MODELS;
const SEED = 9;
const layer = servicesLayer({ ...testPaths, models: MODELS });
// One runtime for the file: loaded pipelines keep their ORT sessions open
// between loading and embedding.
const runtime = ManagedRuntime.make(layer);
const config = {
  ...TINY_CONFIGS.bert,
  vocab_size: 30522,
  max_position_embeddings: 128,
};
const ready = Effect.runPromise(
  buildModelFolder(
    MODELS,
    "tiny-bert-avg",
    config,
    `${testPaths.models}/bert-base-uncased`,
    { seed: SEED },
  ),
);
const CORPUS = ["the cat sat", "the dog ran"];
const D = 32;

const avg = contextualAverage("tiny-bert-avg", lastLayer());
const base: PipelineSpec = pipeline("avg", avg, meanPool());

const load = (spec: PipelineSpec) =>
  runtime.runPromise(
    loadPipeline(spec, { corpus: { label: "test", sentences: CORPUS } }).pipe(
      Effect.provide(layer),
    ),
  );
const embedWith = (p: Awaited<ReturnType<typeof load>>, texts: string[]) =>
  Effect.runPromise(p.fit(texts).pipe(Effect.flatMap((e) => e.embed(texts))));

/** Last-layer vectors of one sentence from the TypeScript reference forward. */
const referenceTokens = async (text: string) => {
  await ready;
  const tok = await Effect.runPromise(
    loadPretrainedTokenizer("tiny-bert-avg").pipe(Effect.provide(layer)),
  );
  const w = fixtureWeights(
    await Effect.runPromise(decodeArchConfig(config)),
    SEED,
  );
  const ids = tok.tokenize(text).ids;
  const h = referenceForward(w, padBatch([ids], 0, "right"));
  const last = h.data.subarray(
    (h.count - 1) * ids.length * D,
    h.count * ids.length * D,
  );
  return {
    ids: [...ids],
    vec: (i: number) => last.subarray(i * D, (i + 1) * D),
  };
};

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-4) => {
  assert.equal(a.length, b.length);
  for (let i = 0; i < a.length; i++) {
    assert.ok(Math.abs(a[i] - b[i]) <= tol, `${i}: ${a[i]} vs ${b[i]}`);
  }
};

Deno.test("Avg. vectors average each token's contextual vectors over the corpus", async () => {
  await ready;
  const p = await load(base);
  // The "Avg." table is the vectors stage's section (stage 2 of the list).
  const section = p.corpusStatistics()!.fitted.sections.get(1)!;
  const table = {
    ids: section.arrays.ids as Uint32Array,
    vectors: section.arrays.vectors as Float32Array,
  };
  const [a, b] = await Promise.all(CORPUS.map(referenceTokens));
  // "the" (id 1996) occurs once in each corpus sentence, at position 1.
  assert.equal(a.ids[1], 1996);
  const row = (id: number) => {
    const r = [...table.ids].indexOf(id);
    assert.ok(r >= 0, `id ${id} in the table`);
    return table.vectors.subarray(r * D, (r + 1) * D);
  };
  close(
    row(1996),
    Array.from({ length: D }, (_, j) => (a.vec(1)[j] + b.vec(1)[j]) / 2),
  );
  // "cat" occurs once: its own vector.
  close(row(a.ids[2]), a.vec(2));
  // As a static encoder: "the cat" = mean of the rows of [CLS] the cat [SEP].
  const got = await embedWith(p, ["the cat"]);
  const cls = row(101), sep = row(102);
  close(
    got.data,
    Array.from(
      { length: D },
      (_, j) => (cls[j] + row(1996)[j] + row(a.ids[2])[j] + sep[j]) / 4,
    ),
  );
  // The table travels in the artifact.
  const bytes = encodeStatistics(
    {
      kind: "pipeline-statistics",
      pipeline: "avg",
      fittedFor: "x",
      corpus: "test",
    },
    p.corpusStatistics()!.fitted,
  );
  assert.deepEqual(decodeStatistics(bytes).fitted.sections.get(1), section);
});

Deno.test("a contextual + static mix is (1 − w)·ĉ + w·ŝ of the two unit vectors", async () => {
  await ready;
  const contextual = pipeline("c", transformer("tiny-bert-avg"), meanPool());
  const texts = ["the cat sat on a mat", "a dog ran"];
  const c = await embedWith(await load(contextual), texts);
  const s = await embedWith(await load(base), texts);
  const mixed = await embedWith(
    await load(
      pipeline(
        "m",
        transformer("tiny-bert-avg"),
        meanPool(),
        staticMix(avg, 0.3),
      ),
    ),
    texts,
  );
  for (let i = 0; i < 2; i++) {
    const ci = c.data.subarray(i * D, (i + 1) * D),
      si = s.data.subarray(i * D, (i + 1) * D);
    const nc = Math.hypot(...ci), ns = Math.hypot(...si);
    close(
      mixed.data.subarray(i * D, (i + 1) * D),
      Array.from({ length: D }, (_, j) => 0.7 * ci[j] / nc + 0.3 * si[j] / ns),
      1e-5,
    );
  }
});

Deno.test("whiten, then mix with Avg., then L2: each step sees what the one before left", async () => {
  await ready;
  const texts = ["the cat sat on a mat", "a dog ran", "the dog sat"];
  // Whitened on the (tiny) corpus: ε keeps two sentences' covariance usable.
  const w = whiten({ epsilon: 1e-3 });
  const whitened = await embedWith(
    await load(pipeline("w", transformer("tiny-bert-avg"), meanPool(), w)),
    texts,
  );
  const s = await embedWith(await load(base), texts);
  const composed = await embedWith(
    await load(
      pipeline(
        "wml",
        transformer("tiny-bert-avg"),
        meanPool(),
        w,
        staticMix(avg, 0.5),
        l2(),
      ),
    ),
    texts,
  );
  for (let i = 0; i < texts.length; i++) {
    const wi = whitened.data.subarray(i * D, (i + 1) * D);
    const si = s.data.subarray(i * D, (i + 1) * D);
    const nw = Math.hypot(...wi), ns = Math.hypot(...si);
    const mix = Array.from(
      { length: D },
      (_, j) => 0.5 * wi[j] / nw + 0.5 * si[j] / ns,
    );
    const n = Math.hypot(...mix);
    close(
      composed.data.subarray(i * D, (i + 1) * D),
      mix.map((v) => v / n),
      1e-5,
    );
  }
  // The other order (mix, then whiten) is a different pipeline, not the same vectors.
  const swapped = await embedWith(
    await load(
      pipeline(
        "mwl",
        transformer("tiny-bert-avg"),
        meanPool(),
        staticMix(avg, 0.5),
        w,
        l2(),
      ),
    ),
    texts,
  );
  assert.ok(
    swapped.data.some((v, i) => Math.abs(v - composed.data[i]) > 1e-3),
  );
});
