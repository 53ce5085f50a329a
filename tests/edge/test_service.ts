import { Effect, ManagedRuntime } from "effect";
import { buildModelFolder } from "../../src/onnx/fixture/model_folder.ts";
import { TINY_CONFIGS } from "../../src/onnx/fixture/config.ts";
import { createApp } from "../../edge/app.ts";
import type { PipelineSpec } from "../../src/pipeline/spec.ts";
import { makeEmbeddingService } from "../../src/serve/embedding_service.ts";
import {
  DEFAULT_SERVE_CONFIG,
  type ServeConfig,
} from "../../src/serve/serve_config.ts";
import { servicesLayer } from "../../src/services.ts";
import { testPaths } from "../test_paths.ts";

const words = {
  tokenizer: { _tag: "words", lowercase: true },
  pooling: "mean",
  weighting: { _tag: "uniform" },
  filters: { special: true, punctuation: true, subwords: false },
} as const;

/** Small pipelines that load instantly: the route tests' registry. */
export const TEST_PIPELINES: ReadonlyArray<PipelineSpec> = [
  {
    ...words,
    name: "words-16",
    description: "random 16-d hashed words",
    encoder: { _tag: "random", dim: 16, seed: 3 },
  },
  {
    ...words,
    name: "words-16-l2",
    description: "random 16-d hashed words, L2-normalised",
    encoder: { _tag: "random", dim: 16, seed: 3 },
    postprocess: { steps: [{ _tag: "l2" }], fitOn: "corpus" },
  },
  {
    ...words,
    name: "words-transductive",
    description: "idf fitted on the input",
    encoder: { _tag: "random", dim: 16, seed: 3 },
    weighting: { _tag: "idf", fitOn: "input" },
  },
  {
    ...words,
    name: "tiny-bert-mean",
    description: "a BERT-shaped random transformer, last-layer mean",
    tokenizer: { _tag: "pretrained", model: "tiny-bert-edge" },
    encoder: {
      _tag: "transformer",
      model: "tiny-bert-edge",
      layers: { _tag: "last" },
    },
    filters: { special: false, punctuation: false, subwords: false },
  },
  {
    ...words,
    name: "tiny-bert-first-last-l2",
    description: "the same transformer: first-last mean, L2-normalised",
    tokenizer: { _tag: "pretrained", model: "tiny-bert-edge" },
    encoder: {
      _tag: "transformer",
      model: "tiny-bert-edge",
      layers: { _tag: "firstLast" },
    },
    filters: { special: false, punctuation: false, subwords: false },
    postprocess: { steps: [{ _tag: "l2" }], fitOn: "corpus" },
  },
  {
    ...words,
    name: "missing-vectors",
    description: "word vectors that are not on disk",
    encoder: { _tag: "wordVectors", file: "no-such-model/vectors.txt" },
  },
];

// As on the edge: WASM forward, in a runtime that outlives each request.
// Transformer fixtures are found in .cache/test-models (the fixtures folder).
const runtime = ManagedRuntime.make(
  servicesLayer({ ...testPaths, fixtures: ".cache/test-models" }, "wasm"),
);

export const testService = (config: Partial<ServeConfig> = {}) =>
  runtime.runPromise(
    makeEmbeddingService(TEST_PIPELINES, {
      ...DEFAULT_SERVE_CONFIG,
      ...config,
    }),
  );

export const testApp = async (config: Partial<ServeConfig> = {}) =>
  createApp(await testService(config));

/** The transformer fixture the edge tests serve (built once, cached). */
export const edgeFixture = () =>
  Effect.runPromise(
    buildModelFolder(
      ".cache/test-models",
      "tiny-bert-edge",
      {
        ...TINY_CONFIGS.bert,
        vocab_size: 30522,
        max_position_embeddings: 128,
      },
      `${testPaths.models}/bert-base-uncased`,
      { seed: 2 },
    ),
  );
