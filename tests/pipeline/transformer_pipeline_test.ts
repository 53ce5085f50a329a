import assert from "node:assert/strict";
import { Effect, Exit } from "effect";
import { padBatch } from "../../src/tokenize/pad_batch.ts";
import { fixtureWeights } from "../../src/onnx/fixture/build.ts";
import {
  decodeArchConfig,
  TINY_CONFIGS,
} from "../../src/onnx/fixture/config.ts";
import { buildModelFolder } from "../../src/onnx/fixture/model_folder.ts";
import { referenceForward } from "../reference/mod.ts";
import { loadPipeline } from "../../src/pipeline/load.ts";
import { writeStFolder } from "../st_folder.ts";
import { pipeline } from "../../src/pipeline/builder.ts";
import type {
  PipelineSpec,
  StageDeclaration,
} from "../../src/pipeline/spec.ts";
import type { PromptSpec } from "../../src/prompt/prompt_spec.ts";
import {
  dropTokens,
  firstLast,
  inputEmbeddings,
  layerMix,
  layers,
  modelTokenizer,
  pool,
  type PoolMode,
  prompt,
  randomVectors,
  sentenceTransformersModules,
  transformer,
} from "../../src/stages/mod.ts";
import { servicesLayer } from "../../src/services.ts";
import { loadPretrainedTokenizer } from "../../src/tokenize/pretrained_tokenizer.ts";
import { testPaths } from "../test_paths.ts";
import { TEST_MODELS } from "../temp_cache.ts";
import { TEMPLATES } from "../../src/prompt/templates.ts";
import { wrapSentence } from "../../src/prompt/wrap.ts";

const MODELS = TEST_MODELS;
const SEED = 5;
const paths = { ...testPaths, models: MODELS };
const layer = servicesLayer(paths);
const bertConfig = {
  ...TINY_CONFIGS.bert,
  vocab_size: 30522,
  max_position_embeddings: 128,
};
const gpt2Config = {
  ...TINY_CONFIGS.gpt2,
  vocab_size: 50257,
  n_positions: 128,
};

const folders = Effect.runPromise(Effect.all([
  buildModelFolder(
    MODELS,
    "tiny-bert",
    bertConfig,
    `${testPaths.models}/bert-base-uncased`,
    { seed: SEED },
  ),
  buildModelFolder(
    MODELS,
    "tiny-gpt2",
    gpt2Config,
    `${testPaths.models}/gpt2`,
    { seed: SEED },
  ),
]));

const SENTENCES = [
  "A man is playing a guitar.",
  "Two dogs run.",
  "The stock market fell sharply today, analysts said.",
];

interface Over {
  readonly model?: string;
  readonly vectors?: StageDeclaration;
  readonly pooling?: PoolMode;
  readonly prompt?: PromptSpec;
  readonly filter?: StageDeclaration;
  readonly after?: ReadonlyArray<StageDeclaration>;
}

/** A pipeline on a tiny fixture: tokenizer, vectors, filter?, pool, steps. */
const spec = (o: Over = {}): PipelineSpec =>
  pipeline(
    "t",
    ...(o.prompt ? [prompt(o.prompt.template, o.prompt)] : []),
    modelTokenizer(o.model ?? "tiny-bert"),
    o.vectors ?? transformer(o.model ?? "tiny-bert"),
    ...(o.filter ? [o.filter] : []),
    pool(o.pooling ?? "mean"),
    ...(o.after ?? []),
  );

const embed = (s: PipelineSpec, texts = SENTENCES) =>
  Effect.runPromise(
    loadPipeline(s).pipe(
      Effect.flatMap((p) => p.fit(texts)),
      Effect.flatMap((e) => e.embed(texts)),
      Effect.provide(layer),
    ),
  );

/** The independent expectation: the TypeScript reference forward, pooled by hand. */
const reference = async (
  model: "tiny-bert" | "tiny-gpt2",
  texts: string[],
  pick: (states: Float32Array[], len: number) => Float32Array,
) => {
  await folders;
  const tok = await Effect.runPromise(
    loadPretrainedTokenizer(model).pipe(Effect.provide(layer)),
  );
  const config = await Effect.runPromise(
    decodeArchConfig(model === "tiny-bert" ? bertConfig : gpt2Config),
  );
  const w = fixtureWeights(config, SEED);
  return texts.map((t) => {
    // One sentence alone, no padding: whatever the pipeline's batching does
    // must give the same vectors.
    const ids = tok.tokenize(t).ids;
    const h = referenceForward(w, padBatch([ids], 0, "right"));
    const size = ids.length * h.dim;
    const states = Array.from(
      { length: h.count },
      (_, k) => h.data.subarray(k * size, (k + 1) * size),
    );
    return pick(states, ids.length);
  });
};

const meanRows = (x: Float32Array, rows: number[], dim: number) => {
  const out = new Float32Array(dim);
  for (const r of rows) {
    for (let j = 0; j < dim; j++) out[j] += x[r * dim + j] / rows.length;
  }
  return out;
};

const close = (a: Float32Array, b: Float32Array, tol = 1e-4) => {
  assert.equal(a.length, b.length);
  for (let i = 0; i < a.length; i++) {
    assert.ok(
      Math.abs(a[i] - b[i]) <= tol,
      `component ${i}: ${a[i]} vs ${b[i]}`,
    );
  }
};

const rowsOf = (x: { data: Float32Array; dim: number }, i: number) =>
  x.data.subarray(i * x.dim, (i + 1) * x.dim);

Deno.test("BERT-shaped transformer: mean, cls, first-last and layer mixes match the reference", async () => {
  await folders;
  const dim = 32;
  const all = (n: number) => [...Array(n).keys()];
  const cases: Array<
    [Over, (s: Float32Array[], n: number) => Float32Array]
  > = [
    [{}, (s, n) => meanRows(s[2], all(n), dim)],
    [{ pooling: "cls" }, (s) => s[2].slice(0, dim)],
    [{ pooling: "max" }, (s, n) => {
      const out = new Float32Array(dim).fill(-Infinity);
      for (let r = 0; r < n; r++) {
        for (let j = 0; j < dim; j++) {
          out[j] = Math.max(out[j], s[2][r * dim + j]);
        }
      }
      return out;
    }],
    [
      { vectors: transformer("tiny-bert", { layers: firstLast() }) },
      (s, n) =>
        meanRows(s[1], all(n), dim).map((x, j) =>
          (x + meanRows(s[2], all(n), dim)[j]) / 2
        ),
    ],
    [
      { vectors: transformer("tiny-bert", { layers: layerMix(1, 0, 3) }) },
      (s, n) =>
        meanRows(s[0], all(n), dim).map((x, j) =>
          0.25 * x + 0.75 * meanRows(s[2], all(n), dim)[j]
        ),
    ],
    // −biases: [CLS] and [SEP] dropped from the mean.
    [
      { filter: dropTokens({ special: true }) },
      (s, n) => meanRows(s[2], all(n).slice(1, n - 1), dim),
    ],
  ];
  for (const [over, pick] of cases) {
    const got = await embed(spec(over));
    const want = await reference("tiny-bert", SENTENCES, pick);
    want.forEach((v, i) => close(rowsOf(got, i), v));
  }
});

Deno.test("PromptBERT pools the [MASK] state of each padded row", async () => {
  const prompt = {
    template: TEMPLATES.promptBert,
    appendPeriod: true,
    replaceDoubleQuotes: false,
  };
  const got = await embed(spec({ pooling: "mask", prompt }));
  const tok = await Effect.runPromise(
    loadPretrainedTokenizer("tiny-bert").pipe(Effect.provide(layer)),
  );
  const wrapped = SENTENCES.map((s) => wrapSentence(s, prompt));
  const want = await reference("tiny-bert", wrapped, (s, n) => {
    return s[2].slice(0, n * 32); // all rows; the mask row is picked below
  });
  wrapped.forEach((w, i) => {
    const ids = [...tok.tokenize(w).ids];
    const at = ids.indexOf(103);
    assert.ok(at > 0, "the template holds [MASK]");
    close(rowsOf(got, i), want[i].subarray(at * 32, (at + 1) * 32));
  });
});

Deno.test("a decoder is left-padded and pooled at each row's last real token", async () => {
  const s = spec({ model: "tiny-gpt2", pooling: "last" });
  const got = await embed(s);
  const want = await reference(
    "tiny-gpt2",
    SENTENCES,
    (st, n) => st[2].slice((n - 1) * 32, n * 32),
  );
  want.forEach((v, i) => close(rowsOf(got, i), v));
});

Deno.test("missing weights name the missing file; bad layer choices are BadConfig", async () => {
  const run = async (s: PipelineSpec) => {
    const exit = await Effect.runPromiseExit(
      loadPipeline(s).pipe(Effect.provide(layer)),
    );
    assert.ok(Exit.isFailure(exit));
    return String(exit.cause);
  };
  await folders;
  await Deno.mkdir(`${MODELS}/no-weights`, { recursive: true });
  for (const f of ["tokenizer.json", "tokenizer_config.json", "config.json"]) {
    await Deno.copyFile(
      `${MODELS}/tiny-bert/${f}`,
      `${MODELS}/no-weights/${f}`,
    );
  }
  const missing = await run(spec({ model: "no-weights" }));
  assert.match(missing, /MissingModelFiles/);
  assert.match(missing, /no-weights\/onnx\/model\.onnx/);
  const badLayer = await run(spec({
    vectors: transformer("tiny-bert", { layers: layers(7) }),
  }));
  assert.match(badLayer, /BadConfig/);
  assert.match(badLayer, /layer 7 is out of range/);
  assert.match(
    await run(spec({ pooling: "mask" })),
    /needs a prompt template with \[MASK\]/,
  );
  assert.match(
    await run(
      spec({ vectors: randomVectors(8, 1), pooling: "cls" }),
    ),
    /needs a transformer encoder/,
  );
});

Deno.test("a sentence-transformers folder's Pooling, Dense and Normalize modules are honoured", async () => {
  await folders;
  // A 3 x 32 projection with a bias and tanh, worked through by hand below.
  const W = Float32Array.from(
    { length: 3 * 32 },
    (_, i) => ((i * 7) % 11 - 5) / 10,
  );
  const B = Float32Array.of(0.1, -0.2, 0.3);
  writeStFolder(`${MODELS}/tiny-st`, `${MODELS}/tiny-bert`, {
    weight: W,
    bias: B,
  });
  const st = spec({
    model: "tiny-st",
    after: [sentenceTransformersModules()],
  });
  const got = await embed(st);
  assert.equal(got.dim, 3);
  const means = await reference(
    "tiny-bert",
    SENTENCES,
    (s, n) => meanRows(s[2], [...Array(n).keys()], 32),
  );
  means.forEach((m, i) => {
    const y = [0, 1, 2].map((o) => {
      let z = B[o];
      for (let k = 0; k < 32; k++) z += W[o * 32 + k] * m[k];
      return Math.tanh(z);
    });
    const norm = Math.hypot(...y);
    close(rowsOf(got, i), Float32Array.from(y, (v) => v / norm));
  });
  // A spec that contradicts the folder's pooling is refused, not changed.
  const exit = await Effect.runPromiseExit(
    loadPipeline(
      spec({
        model: "tiny-st",
        pooling: "cls",
        after: [sentenceTransformersModules()],
      }),
    ).pipe(Effect.provide(layer)),
  );
  assert.ok(Exit.isFailure(exit));
  assert.match(
    String(exit.cause),
    /pools by "mean" over every token; the pipeline says "cls"/,
  );
});

Deno.test("a model's input embedding table works as a static encoder", async () => {
  await folders;
  const config = await Effect.runPromise(decodeArchConfig(bertConfig));
  const table = (fixtureWeights(config, SEED) as { word: Float32Array }).word;
  const got = await embed(
    spec({
      vectors: inputEmbeddings("tiny-bert"),
      filter: dropTokens({ special: true }),
    }),
    ["a cat"],
  );
  // "a" = 1037, "cat" = 4937 in bert-base-uncased; [CLS]/[SEP] dropped.
  const want = new Float32Array(32);
  for (let j = 0; j < 32; j++) {
    want[j] = (table[1037 * 32 + j] + table[4937 * 32 + j]) / 2;
  }
  close(rowsOf(got, 0), want, 1e-6);
});
