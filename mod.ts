/**
 * sentemb: training-free sentence embeddings as pipelines you declare in
 * code — an ordered list of stage declarations — and run anywhere.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Effect } from "effect";
 * import {
 *   dropTokens, embedWith, idf, meanPool, pipeline, randomVectors,
 *   ServicesFromEnv, wordTokens,
 * } from "./mod.ts";
 * const mine = pipeline(
 *   "my-words",
 *   wordTokens({ lowercase: true }),
 *   randomVectors(256, 7),
 *   idf("input"),
 *   dropTokens({ punctuation: true }),
 *   meanPool(),
 * );
 * const vectors = await Effect.runPromise(
 *   embedWith(mine, ["A man plays a guitar.", "Two dogs run."]).pipe(
 *     Effect.provide(ServicesFromEnv),
 *   ),
 * );
 * assert.equal(vectors.rows, 2);
 * assert.equal(vectors.dim, 256);
 * ```
 * @module
 */
import { Effect } from "effect";
import { PIPELINES } from "./pipelines/mod.ts";
import { loadPipeline } from "./src/pipeline/load.ts";
import { resolvePipeline } from "./src/pipeline/pipeline_source.ts";
import { decodePipelineSpec } from "./src/pipeline/registry.ts";
import type { PipelineSpec } from "./src/pipeline/spec.ts";
import type { Embeddings } from "./src/embeddings.ts";
import type { BadConfig, UnknownPipeline } from "./src/errors.ts";
import type { EmbedError } from "./src/pipeline/embedder.ts";
import type { LoadError } from "./src/stages/resources.ts";
import type { Services } from "./src/services.ts";

export { DEFAULT_PIPELINE, PIPELINES } from "./pipelines/mod.ts";
export * from "./src/embeddings.ts";
export * from "./src/errors.ts";
export {
  artifactDirs,
  Paths,
  PathsFromEnv,
  pathsFromEnv,
  pathsLayer,
} from "./src/paths.ts";
export {
  type Services,
  ServicesFromEnv,
  servicesLayer,
} from "./src/services.ts";

// Declaring pipelines: the list, its stages, and the builder.
export {
  DEFAULT_CORPUS_SENTENCES,
  PipelineSpec,
  StageDeclaration,
} from "./src/pipeline/spec.ts";
export * from "./src/stages/mod.ts";
export { pipeline, type PipelineOptions } from "./src/pipeline/builder.ts";
export { pipelineHash, withoutArtifact } from "./src/pipeline/hash.ts";
export { compilePlan, type Plan, planOf } from "./src/pipeline/plan.ts";
export {
  needsCorpus,
  outputPrecision,
  portabilityProblem,
  reducibleDimensions,
  requirementsOf,
  type Statistics,
  statisticsOf,
} from "./src/pipeline/describe.ts";
export { decodePipelineSpec, findPipeline } from "./src/pipeline/registry.ts";
export {
  resolvePipeline,
  resolvePipelines,
  type SourcedPipeline,
} from "./src/pipeline/pipeline_source.ts";

// Running them: one assembly, on the server's resources or a client's.
export { type LoadOptions, loadPipeline } from "./src/pipeline/load.ts";
export {
  type AssembleOptions,
  assemblePipeline,
} from "./src/pipeline/assemble.ts";
export type {
  Embedder,
  EmbedError,
  EmbedOptions,
  LoadedPipeline,
} from "./src/pipeline/embedder.ts";
export type { LoadError, PipelineResources } from "./src/stages/resources.ts";
export { serverResources } from "./src/pipeline/server_resources.ts";
export {
  type ClientParts,
  clientResources,
} from "./src/pipeline/client_resources.ts";
export {
  portabilityOf,
  portableEmbedder,
  portablePipeline,
} from "./src/pipeline/portable.ts";
export type {
  Tokenized,
  Tokenizer,
  TokenKeys,
} from "./src/tokenize/tokenized.ts";
export { wordTokenizer } from "./src/tokenize/word_tokenizer.ts";
export { loadPretrainedTokenizer } from "./src/tokenize/pretrained_tokenizer.ts";
// Models by reference (a folder, an id, a hub id) and recipes for any model.
export * from "./src/recipes/mod.ts";
export {
  type ModelFiles,
  ONNX_VARIANTS,
  readConfigJson,
  refKind,
  resolveModelFiles,
  variantFile,
} from "./src/models/resolve.ts";
export { randomEncoder, randomVector } from "./src/static/random_encoder.ts";
export {
  loadWordVectors,
  parseWordVectors,
} from "./src/static/word_vectors.ts";
export type { StaticEncoder } from "./src/aggregate/static_encoder.ts";
export * from "./src/forward/mod.ts";
export * from "./src/onnx/mod.ts";

// Evaluating them.
export { evaluateSts, type StsReport } from "./src/eval/sts_eval.ts";
export { pearson, rankAverageTies, spearman } from "./src/eval/correlation.ts";
export { loadStsTask, type StsPairs } from "./src/eval/sts_data.ts";
export { STS_TASKS, type StsTaskName } from "./src/eval/sts_tasks.ts";
export {
  type ClusteringReport,
  evaluateClustering,
} from "./src/eval/clustering_eval.ts";
export {
  CLUSTERING_EXTRAS,
  CLUSTERING_TASKS,
  type ClusteringTaskName,
} from "./src/eval/clustering_tasks.ts";
export {
  type ClassificationReport,
  evaluateClassification,
} from "./src/eval/classification_eval.ts";
export {
  CLASSIFICATION_TASKS,
  type ClassificationTaskName,
} from "./src/eval/classification_tasks.ts";
export { clusteringAccuracy, nmi } from "./src/eval/cluster_metrics.ts";
export { kmeans } from "./src/eval/kmeans.ts";
export {
  fitLogistic,
  type LogisticModel,
  predictLogistic,
} from "./src/eval/logistic_regression.ts";
export { type Gemm, jsGemm } from "./src/eval/gemm.ts";
export { ortGemm } from "./src/eval/ort_gemm.ts";
export { type Isotropy, isotropy } from "./src/eval/isotropy.ts";
export { cachedForwardLayer } from "./src/eval/cached_forward.ts";
export { gridVariants } from "./src/eval/grid.ts";

// Serving them: the service and the HTTP app (Hono, OpenAI-compatible).
export {
  EmbeddingService,
  embeddingServiceLayer,
  makeEmbeddingService,
} from "./src/serve/embedding_service.ts";
export {
  DEFAULT_SERVE_CONFIG,
  type ServeConfig,
} from "./src/serve/serve_config.ts";
export { createApp } from "./edge/app.ts";

// Types (and their schema bases) that the signatures above refer to.
export {
  ArtifactError,
  ArtifactErrorBase,
} from "./src/artifact/artifact_error.ts";
export type { ArtifactSection } from "./src/artifact/artifact_section.ts";
export type { FittedStatistics } from "./src/artifact/fitted_statistics.ts";
export type { RowSource } from "./src/aggregate/static_encoder.ts";
export {
  CacheNotWritable,
  CacheNotWritableBase,
} from "./src/onnx/cache_dir.ts";
export {
  Llama2cFormatError,
  Llama2cFormatErrorBase,
} from "./src/llama2c/errors.ts";
export {
  LayersNotFoundBase,
  OnnxParseErrorBase,
} from "./src/onnx/rewrite/errors.ts";
export { TokenPrependingUnsupportedBase } from "./src/onnx/tp/errors.ts";
export { PlaceholderUnplaceableBase } from "./src/prompt/placeholder_unplaceable.ts";
export {
  RecipeMismatchBase,
  UnknownRecipeBase,
} from "./src/recipes/recipes.ts";
export { ForwardFailedBase } from "./src/forward/errors.ts";
export { ForwardBase } from "./src/forward/service.ts";
export type { BackendSession } from "./src/forward/backend.ts";
export type {
  LoadedTransformer,
  StageOptions,
} from "./src/forward/load_transformer_stage.ts";
export { PathsBase } from "./src/paths.ts";
export type {
  BertWeights,
  Gpt2Weights,
  LlamaWeights,
} from "./src/onnx/fixture/weights.ts";
export type { OptWeights } from "./src/onnx/fixture/opt_weights.ts";
export type { StsVariant } from "./src/eval/sts_data.ts";
export type { StsTaskScore } from "./src/eval/sts_eval.ts";
export type {
  ClusteringOptions,
  ClusteringTaskScore,
} from "./src/eval/clustering_eval.ts";
export type {
  ClassificationOptions,
  ClassificationTaskScore,
} from "./src/eval/classification_eval.ts";
export type { SentenceEncoder } from "./src/eval/sentence_encoder.ts";
export type {
  PlannedStep,
  TokenizerStage,
  VectorsStage,
} from "./src/pipeline/plan.ts";
export type { TransformerDescription } from "./src/pipeline/client_resources.ts";
export { StaticVectorsStage } from "./src/stages/static_vectors.ts";
export {
  PHASES,
  type PrefixEffect,
  type StepBatch,
  type StepFitInput,
} from "./src/stages/stage_module.ts";
export type { AnyStageModule } from "./src/stages/registry.ts";
export type { StModuleList } from "./src/stages/st_module_files.ts";
export type { ArtifactContents, LoadedStage } from "./src/stages/resources.ts";
export { PromptSpec } from "./src/prompt/prompt_spec.ts";
export type { WorkerPool } from "./src/serve/worker_pool.ts";
export {
  EmbeddingServiceBase,
  type EmbeddingServiceShape,
} from "./src/serve/embedding_service.ts";

export type { Norm } from "./src/onnx/fixture/weights.ts";
export type { Linear } from "./src/onnx/fixture/random.ts";
export type { TokenStats } from "./src/tokenize/token_stats.ts";
export type {
  StageSettings,
  TransformerStage as LoadedTransformerStage,
} from "./src/forward/transformer_stage.ts";
export type {
  EmbedOptions as ServeEmbedOptions,
  ServedPipeline,
} from "./src/serve/embed_request.ts";
export type {
  FilterModule,
  PoolModule,
  PromptModule,
  TokenizerModule,
  VectorsModule,
  WeightingModule,
} from "./src/stages/token_modules.ts";
export {
  NotPortable,
  NotPortableBase,
  UnknownArtifact,
  UnknownArtifactBase,
  UnknownAsset,
  UnknownAssetBase,
} from "./src/serve/serve_errors.ts";
export type { TokenPhaseView } from "./src/stages/stage_module.ts";
export type { StModule } from "./src/stages/st_module_files.ts";
export {
  Counter,
  Histogram,
  type Labels,
  ServerMetrics,
} from "./src/serve/metrics.ts";
export type { SectionArray } from "./src/artifact/artifact_section.ts";
export type { Protocol } from "./src/eval/classification_tasks.ts";
export type { PathsShape } from "./src/paths.ts";
export type { OrtAsset } from "./src/serve/ort_assets.ts";
export type { Ok as WorkerOk } from "./src/serve/worker_pool.ts";
export type {
  Availability,
  EmbedFailure,
  EmbedResult,
  LoadFailure,
  ModelInfo,
} from "./src/serve/embedding_service.ts";
export type { GraphDescription } from "./src/pipeline/client_resources.ts";
export type { ForwardShape } from "./src/forward/service.ts";
export type { FeedTensor, FetchedTensor } from "./src/forward/backend.ts";
export type { ClientFileBody, ClientModel } from "./src/serve/client_models.ts";
export type { ClassifierScore } from "./src/eval/classifier_protocols.ts";
export type { Aggregator } from "./src/aggregate/aggregate.ts";

export type {
  LoadError as ForwardLoadError,
  LoadOptions as ForwardLoadOptions,
} from "./src/forward/service.ts";
export type { TokenWeight } from "./src/aggregate/weighting.ts";
export type { TokenFilter } from "./src/aggregate/token_filter.ts";
export type {
  StaticVectorsModule,
  StatsBySource,
  TransformerVectorsModule,
} from "./src/stages/token_modules.ts";
export type {
  WorkerMessage,
  WorkerReply,
} from "./src/serve/worker_messages.ts";
export {
  AnswerTooLarge,
  AnswerTooLargeBase,
  InputTooLong,
  InputTooLongBase,
  InvalidCharacters,
  InvalidCharactersBase,
  Overloaded,
  OverloadedBase,
  PipelineNotServable,
  PipelineNotServableBase,
  RequestTimeout,
  RequestTimeoutBase,
  RequestTooLong,
  RequestTooLongBase,
  RuntimeUnsupported,
  RuntimeUnsupportedBase,
  TooManyInputs,
  TooManyInputsBase,
} from "./src/serve/serve_errors.ts";
export {
  makePortableService,
  type PortableHost,
  portableProblem,
} from "./src/serve/portable_service.ts";
export type { Pooling } from "./src/aggregate/pool.ts";
export type { ContextualPooling } from "./src/aggregate/contextual_pool.ts";
export type { ContextualAggregator } from "./src/forward/transformer_stage.ts";
export { CLIENT_FILES, type ClientFile } from "./src/serve/client_models.ts";

export type { TableInput } from "./src/stages/token_modules.ts";
export type { Declaration as TaggedDeclaration } from "./src/stages/stage_module.ts";

/**
 * One call from a pipeline to vectors: a declaration (yours), a catalogue
 * name or a pipeline file; loaded, fitted (on the input itself for a
 * transductive pipeline) and run.
 */
export const embedWith: (
  pipelineOrName: PipelineSpec | string,
  texts: ReadonlyArray<string>,
) => Effect.Effect<
  Embeddings,
  UnknownPipeline | BadConfig | LoadError | EmbedError,
  Services
> = Effect.fn("embedWith")(function* (
  pipelineOrName: PipelineSpec | string,
  texts: ReadonlyArray<string>,
) {
  const spec = typeof pipelineOrName === "string"
    ? (yield* resolvePipeline(pipelineOrName, PIPELINES)).spec
    : yield* decodePipelineSpec(pipelineOrName);
  const loaded = yield* loadPipeline(spec);
  const embedder = yield* loaded.fit(texts);
  return yield* embedder.embed(texts);
});
