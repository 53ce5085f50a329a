import { Schema } from "effect";
import { LayerSelection as X1 } from "./src/aggregate/layer_selection.ts";
const p1: number = X1; // LayerSelection
import { PipelineSpec as X2 } from "./src/pipeline/spec.ts";
const p2: number = X2; // PipelineSpec
import { PromptSpec as X3 } from "./src/prompt/prompt_spec.ts";
const p3: number = X3; // PromptSpec
import { AbttStage as X4 } from "./src/stages/abtt.ts";
const p4: number = X4; // AbttStage
import { CenterStage as X5 } from "./src/stages/center.ts";
const p5: number = X5; // CenterStage
import { ContextualAverageStage as X6 } from "./src/stages/contextual_average.ts";
const p6: number = X6; // ContextualAverageStage
import { FilterStage as X7 } from "./src/stages/filter.ts";
const p7: number = X7; // FilterStage
import { FitSource as X8 } from "./src/stages/fit_source.ts";
const p8: number = X8; // FitSource
import { IdfStage as X9 } from "./src/stages/idf.ts";
const p9: number = X9; // IdfStage
import { InputEmbeddingsStage as X10 } from "./src/stages/input_embeddings.ts";
const p10: number = X10; // InputEmbeddingsStage
import { L2Stage as X11 } from "./src/stages/l2.ts";
const p11: number = X11; // L2Stage
import { Llama2cTokenizerStage as X12 } from "./src/stages/llama2c_tokenizer.ts";
const p12: number = X12; // Llama2cTokenizerStage
import { PoolMode as X13 } from "./src/stages/pool.ts";
const p13: number = X13; // PoolMode
import { PoolStage as X14 } from "./src/stages/pool.ts";
const p14: number = X14; // PoolStage
import { PretrainedTokenizerStage as X15 } from "./src/stages/pretrained_tokenizer.ts";
const p15: number = X15; // PretrainedTokenizerStage
import { PromptStage as X16 } from "./src/stages/prompt.ts";
const p16: number = X16; // PromptStage
import { QuantileStage as X17 } from "./src/stages/quantile.ts";
const p17: number = X17; // QuantileStage
import { QuantizeStage as X18 } from "./src/stages/quantize.ts";
const p18: number = X18; // QuantizeStage
import { RandomVectorsStage as X19 } from "./src/stages/random_vectors.ts";
const p19: number = X19; // RandomVectorsStage
import { StageDeclaration as X20 } from "./src/stages/registry.ts";
const p20: number = X20; // StageDeclaration
import { SentenceTransformersStage as X21 } from "./src/stages/sentence_transformers.ts";
const p21: number = X21; // SentenceTransformersStage
import { SifStage as X22 } from "./src/stages/sif.ts";
const p22: number = X22; // SifStage
import { StaticMixStage as X23 } from "./src/stages/static_mix.ts";
const p23: number = X23; // StaticMixStage
import { StaticVectorsStage as X24 } from "./src/stages/static_vectors.ts";
const p24: number = X24; // StaticVectorsStage
import { TokenPrepending as X25 } from "./src/stages/transformer.ts";
const p25: number = X25; // TokenPrepending
import { TransformerStage as X26 } from "./src/stages/transformer.ts";
const p26: number = X26; // TransformerStage
import { TruncateStage as X27 } from "./src/stages/truncate.ts";
const p27: number = X27; // TruncateStage
import { WhitenStage as X28 } from "./src/stages/whiten.ts";
const p28: number = X28; // WhitenStage
import { WordTokenizerStage as X29 } from "./src/stages/word_tokenizer.ts";
const p29: number = X29; // WordTokenizerStage
import { WordVectorsStage as X30 } from "./src/stages/word_vectors.ts";
const p30: number = X30; // WordVectorsStage
import { ZscoreStage as X31 } from "./src/stages/zscore.ts";
const p31: number = X31; // ZscoreStage
