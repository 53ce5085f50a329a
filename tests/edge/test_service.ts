import { Effect, ManagedRuntime } from "effect";
import { buildModelFolder } from "../../src/onnx/fixture/model_folder.ts";
import { TINY_CONFIGS } from "../../src/onnx/fixture/config.ts";
import { createApp } from "../../edge/app.ts";
import { pipeline } from "../../src/pipeline/builder.ts";
import type { PipelineSpec } from "../../src/pipeline/spec.ts";
import {
  dropTokens,
  firstLast,
  idf,
  l2,
  lastLayer,
  meanPool,
  randomVectors,
  transformer,
  wordTokens,
  wordVectors,
} from "../../src/stages/mod.ts";
import { makeEmbeddingService } from "../../src/serve/embedding_service.ts";
import {
  DEFAULT_SERVE_CONFIG,
  type ServeConfig,
} from "../../src/serve/serve_config.ts";
import { servicesLayer } from "../../src/services.ts";
import { testPaths } from "../test_paths.ts";
import { TEST_MODELS } from "../temp_cache.ts";

const words = wordTokens({ lowercase: true });
const vectors16 = randomVectors(16, 3);
const punctuation = dropTokens({ special: true, punctuation: true });

/** Small pipelines that load instantly: the route tests' registry. */
export const TEST_PIPELINES: ReadonlyArray<PipelineSpec> = [
  pipeline("words-16", words, vectors16, punctuation, meanPool(), {
    description: "random 16-d hashed words",
  }),
  pipeline("words-16-l2", words, vectors16, punctuation, meanPool(), l2(), {
    description: "random 16-d hashed words, L2-normalised",
  }),
  pipeline(
    "words-transductive",
    words,
    vectors16,
    idf("input"),
    punctuation,
    meanPool(),
    { description: "idf fitted on the input" },
  ),
  pipeline(
    "tiny-bert-mean",
    transformer("tiny-bert-edge", { layers: lastLayer() }),
    meanPool(),
    { description: "a BERT-shaped random transformer, last-layer mean" },
  ),
  pipeline(
    "tiny-bert-first-last-l2",
    transformer("tiny-bert-edge", { layers: firstLast() }),
    meanPool(),
    l2(),
    { description: "the same transformer: first-last mean, L2-normalised" },
  ),
  pipeline(
    "missing-vectors",
    words,
    wordVectors("no-such-model/vectors.txt"),
    punctuation,
    meanPool(),
    { description: "word vectors that are not on disk" },
  ),
];

/** A test pipeline by name (for `embedWith`, which takes a declaration). */
export const testPipeline = (name: string): PipelineSpec => {
  const spec = TEST_PIPELINES.find((p) => p.name === name);
  if (!spec) throw new Error(`no test pipeline ${name}`);
  return spec;
};

// As on the edge: WASM forward, in a runtime that outlives each request.
// Transformer fixtures are found in this file's TEST_MODELS (the fixtures folder).
const runtime = ManagedRuntime.make(
  servicesLayer({ ...testPaths, fixtures: TEST_MODELS }, "wasm"),
);

export const testService = (
  config: Partial<ServeConfig> = {},
  registry: ReadonlyArray<PipelineSpec> = TEST_PIPELINES,
) =>
  runtime.runPromise(
    makeEmbeddingService(registry, {
      ...DEFAULT_SERVE_CONFIG,
      ...config,
    }),
  );

export const testApp = async (
  config: Partial<ServeConfig> = {},
  registry: ReadonlyArray<PipelineSpec> = TEST_PIPELINES,
) => createApp(await testService(config, registry));

/** The transformer fixture the edge tests serve (built once, cached). */
export const edgeFixture = () =>
  Effect.runPromise(
    buildModelFolder(
      TEST_MODELS,
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
