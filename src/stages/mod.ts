/**
 * The stage modules: each file declares one stage (its Schema), what it
 * fits, how it applies and its artifact section; `registry.ts` maps tags to
 * modules. The constructors here build declarations for `pipeline(...)`.
 *
 * @module
 */
export { prompt, PromptStage } from "./prompt.ts";
export { WordTokenizerStage, wordTokens } from "./word_tokenizer.ts";
export {
  modelTokenizer,
  PretrainedTokenizerStage,
} from "./pretrained_tokenizer.ts";
export { Llama2cTokenizerStage, llama2cTokens } from "./llama2c_tokenizer.ts";
export { randomVectors, RandomVectorsStage } from "./random_vectors.ts";
export { wordVectors, WordVectorsStage } from "./word_vectors.ts";
export { inputEmbeddings, InputEmbeddingsStage } from "./input_embeddings.ts";
export {
  contextualAverage,
  ContextualAverageStage,
} from "./contextual_average.ts";
export {
  Precision,
  TokenPrepending,
  transformer,
  TransformerStage,
} from "./transformer.ts";
export { idf, IdfStage } from "./idf.ts";
export { sif, SifStage } from "./sif.ts";
export { dropTokens, FilterStage } from "./filter.ts";
export { meanPool, pool, PoolMode, PoolStage } from "./pool.ts";
export { center, CenterStage } from "./center.ts";
export { zscore, ZscoreStage } from "./zscore.ts";
export { abtt, AbttStage } from "./abtt.ts";
export { whiten, WhitenStage } from "./whiten.ts";
export { quantile, QuantileStage } from "./quantile.ts";
export { l2, L2Stage, normalizeRows } from "./l2.ts";
export {
  sentenceTransformersModules,
  SentenceTransformersStage,
} from "./sentence_transformers.ts";
export { mixUnit, staticMix, StaticMixStage } from "./static_mix.ts";
export { firstComponents, truncate, TruncateStage } from "./truncate.ts";
export { quantize, QuantizeStage } from "./quantize.ts";
export { FitSource } from "./fit_source.ts";
export { StageDeclaration, STAGES } from "./registry.ts";
export type {
  OutputPrecision,
  Phase,
  SentenceStepModule,
  StageModule,
} from "./stage_module.ts";
export {
  firstLast,
  lastLayer,
  layerMix,
  layers,
  LayerSelection,
} from "../aggregate/layer_selection.ts";
