import { Effect } from "effect";
import { createApp } from "../../edge/app.ts";
import type { PipelineSpec } from "../../src/pipeline/spec.ts";
import { makeEmbeddingService } from "../../src/serve/embedding_service.ts";
import {
  DEFAULT_SERVE_CONFIG,
  type ServeConfig,
} from "../../src/serve/serve_config.ts";
import { testLayer } from "../test_paths.ts";

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
    name: "missing-vectors",
    description: "word vectors that are not on disk",
    encoder: { _tag: "wordVectors", file: "no-such-model/vectors.txt" },
  },
];

export const testService = (config: Partial<ServeConfig> = {}) =>
  Effect.runPromise(
    makeEmbeddingService(TEST_PIPELINES, {
      ...DEFAULT_SERVE_CONFIG,
      ...config,
    }).pipe(Effect.provide(testLayer)),
  );

export const testApp = async (config: Partial<ServeConfig> = {}) =>
  createApp(await testService(config));
