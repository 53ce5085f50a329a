/**
 * sentemb: training-free sentence embeddings as declarative pipelines.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Effect } from "effect";
 * import { embedWith, PIPELINES, ServicesFromEnv } from "./mod.ts";
 * const vectors = await Effect.runPromise(
 *   embedWith(PIPELINES, "random-hashed-words", ["A man plays a guitar."]).pipe(
 *     Effect.provide(ServicesFromEnv),
 *   ),
 * );
 * assert.equal(vectors.rows, 1);
 * ```
 * @module
 */
import { Effect } from "effect";
import { loadPipeline } from "./src/pipeline/load.ts";
import { findPipeline } from "./src/pipeline/registry.ts";

export { DEFAULT_PIPELINE, PIPELINES } from "./pipelines/mod.ts";
export * from "./src/embeddings.ts";
export * from "./src/errors.ts";
export { Paths, PathsFromEnv, pathsFromEnv, pathsLayer } from "./src/paths.ts";
export {
  type Services,
  ServicesFromEnv,
  servicesLayer,
} from "./src/services.ts";
export * from "./src/pipeline/spec.ts";
export { pipelineHash } from "./src/pipeline/hash.ts";
export {
  needsCorpus,
  requirementsOf,
  type Statistics,
  statisticsOf,
} from "./src/pipeline/describe.ts";
export { decodePipelineSpec, findPipeline } from "./src/pipeline/registry.ts";
export {
  type Embedder,
  type LoadedPipeline,
  loadPipeline,
} from "./src/pipeline/load.ts";
export { wordTokenizer } from "./src/tokenize/word_tokenizer.ts";
export { loadPretrainedTokenizer } from "./src/tokenize/pretrained_tokenizer.ts";
export type { Tokenized, Tokenizer } from "./src/tokenize/tokenized.ts";
export { randomEncoder, randomVector } from "./src/static/random_encoder.ts";
export {
  loadWordVectors,
  parseWordVectors,
} from "./src/static/word_vectors.ts";
export type { StaticEncoder } from "./src/static/static_encoder.ts";
export * from "./src/forward/mod.ts";
export * from "./src/onnx/mod.ts";
export * from "./src/postprocess/mod.ts";
export { evaluateSts, type StsReport } from "./src/eval/sts_eval.ts";
export { pearson, rankAverageTies, spearman } from "./src/eval/correlation.ts";
export { loadStsTask, type StsPairs } from "./src/eval/sts_data.ts";
export { STS_TASKS, type StsTaskName } from "./src/eval/sts_tasks.ts";
export { DataError } from "./src/eval/data_error.ts";
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

/**
 * One call from a pipeline name to vectors: find, load, fit (on the input
 * itself for a transductive pipeline) and embed.
 */
export const embedWith = Effect.fn("embedWith")(function* (
  registry: ReadonlyArray<unknown>,
  name: string,
  texts: ReadonlyArray<string>,
) {
  const spec = yield* findPipeline(registry, name);
  const pipeline = yield* loadPipeline(spec);
  const embedder = yield* pipeline.fit(texts);
  return yield* embedder.embed(texts);
});
