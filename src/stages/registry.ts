import { Schema } from "effect";
import { abttModule, AbttStage } from "./abtt.ts";
import { centerModule, CenterStage } from "./center.ts";
import { ContextualAverageStage } from "./contextual_average.ts";
import { filterModule, FilterStage } from "./filter.ts";
import { idfModule, IdfStage } from "./idf.ts";
import { InputEmbeddingsStage } from "./input_embeddings.ts";
import { l2Module, L2Stage } from "./l2.ts";
import {
  llama2cTokenizerModule,
  Llama2cTokenizerStage,
} from "./llama2c_tokenizer.ts";
import { poolModule, PoolStage } from "./pool.ts";
import {
  pretrainedTokenizerModule,
  PretrainedTokenizerStage,
} from "./pretrained_tokenizer.ts";
import { promptModule, PromptStage } from "./prompt.ts";
import { quantileModule, QuantileStage } from "./quantile.ts";
import { quantizeModule, QuantizeStage } from "./quantize.ts";
import { RandomVectorsStage } from "./random_vectors.ts";
import {
  sentenceTransformersModule,
  SentenceTransformersStage,
} from "./sentence_transformers.ts";
import { sifModule, SifStage } from "./sif.ts";
import type { SentenceStepModule, StageModule } from "./stage_module.ts";
import { staticMixModule, StaticMixStage } from "./static_mix.ts";
import { STATIC_VECTORS } from "./static_vectors.ts";
import type {
  FilterModule,
  PoolModule,
  PromptModule,
  TokenizerModule,
  TransformerVectorsModule,
  VectorsModule,
  WeightingModule,
} from "./token_modules.ts";
import { transformerModule, TransformerStage } from "./transformer.ts";
import { truncateModule, TruncateStage } from "./truncate.ts";
import { wordTokenizerModule, WordTokenizerStage } from "./word_tokenizer.ts";
import { WordVectorsStage } from "./word_vectors.ts";
import { whitenModule, WhitenStage } from "./whiten.ts";
import { zscoreModule, ZscoreStage } from "./zscore.ts";

/** Any stage a pipeline may declare: the JSON of one list entry. */
export const StageDeclaration: Schema.Union<
  readonly [
    typeof PromptStage,
    typeof WordTokenizerStage,
    typeof PretrainedTokenizerStage,
    typeof Llama2cTokenizerStage,
    typeof RandomVectorsStage,
    typeof InputEmbeddingsStage,
    typeof ContextualAverageStage,
    typeof TransformerStage,
    typeof IdfStage,
    typeof SifStage,
    typeof FilterStage,
    typeof PoolStage,
    typeof CenterStage,
    typeof ZscoreStage,
    typeof AbttStage,
    typeof WhitenStage,
    typeof QuantileStage,
    typeof L2Stage,
    typeof SentenceTransformersStage,
    typeof StaticMixStage,
    typeof TruncateStage,
    typeof QuantizeStage,
    typeof WordVectorsStage,
  ]
> = Schema.Union([
  PromptStage,
  WordTokenizerStage,
  PretrainedTokenizerStage,
  Llama2cTokenizerStage,
  RandomVectorsStage,
  InputEmbeddingsStage,
  ContextualAverageStage,
  TransformerStage,
  IdfStage,
  SifStage,
  FilterStage,
  PoolStage,
  CenterStage,
  ZscoreStage,
  AbttStage,
  WhitenStage,
  QuantileStage,
  L2Stage,
  SentenceTransformersStage,
  StaticMixStage,
  TruncateStage,
  QuantizeStage,
  WordVectorsStage,
]);
/** Any stage's declaration. */
export type StageDeclaration = typeof StageDeclaration.Type;

/** A stage module of any phase. */
export type AnyStageModule =
  | PromptModule
  | TokenizerModule
  | VectorsModule
  | WeightingModule
  | FilterModule
  | PoolModule
  | SentenceStepModule;

/**
 * Every stage module by its tag. The mapped type makes a tag without a
 * module (or a module without a declaration) a compile error; adding a
 * stage is one new file plus one line here and one in the union above.
 */
export const STAGES: {
  readonly [K in StageDeclaration["_tag"]]: AnyStageModule;
} = {
  prompt: promptModule as PromptModule,
  wordTokenizer: wordTokenizerModule as TokenizerModule,
  pretrainedTokenizer: pretrainedTokenizerModule as TokenizerModule,
  llama2cTokenizer: llama2cTokenizerModule as TokenizerModule,
  ...STATIC_VECTORS,
  transformer: transformerModule as TransformerVectorsModule,
  idf: idfModule as WeightingModule,
  sif: sifModule as WeightingModule,
  filter: filterModule as FilterModule,
  pool: poolModule as PoolModule,
  center: centerModule as SentenceStepModule,
  zscore: zscoreModule as SentenceStepModule,
  abtt: abttModule as SentenceStepModule,
  whiten: whitenModule as SentenceStepModule,
  quantile: quantileModule as SentenceStepModule,
  l2: l2Module as SentenceStepModule,
  sentenceTransformers: sentenceTransformersModule as SentenceStepModule,
  staticMix: staticMixModule as SentenceStepModule,
  truncate: truncateModule as SentenceStepModule,
  quantize: quantizeModule as SentenceStepModule,
};

/** The module of a declaration. */
export const moduleOf = (d: StageDeclaration): AnyStageModule => STAGES[d._tag];

/** The module of a declaration, typed as the general stage contract. */
export const stageOf = (d: StageDeclaration): StageModule =>
  STAGES[d._tag] as StageModule;
