import { Schema } from "effect";
import { PostprocessStep } from "../postprocess/mod.ts";
import { PromptSpec } from "../prompt/prompt_spec.ts";

/**
 * Where a fitted statistic comes from: `corpus` = the general English text
 * in the data folder (fixed, shippable); `input` = the very sentences being
 * embedded (transductive: a task's sentences in evaluation, a user's
 * collection in `embed`).
 */
export const FitSource = Schema.Literals(["corpus", "input"]);
export type FitSource = typeof FitSource.Type;

const PositiveInt = Schema.Int.check(Schema.isGreaterThan(0));
const NonNegativeInt = Schema.Int.check(Schema.isGreaterThanOrEqualTo(0));
const Name = Schema.String.check(Schema.isPattern(/^[a-z0-9][a-z0-9.-]*$/));

export const TokenizerSpec = Schema.Union([
  /** Vocabulary-free words (no file needed); ids are hashes of the words. */
  Schema.TaggedStruct("words", {
    lowercase: Schema.Boolean,
    /** Reduce words to Porter stems ("playing" → "plai"). */
    stem: Schema.optionalKey(Schema.Boolean),
  }),
  /** The tokenizer of a model folder under SENTEMB_MODELS (or a hub id). */
  Schema.TaggedStruct("pretrained", { model: Schema.String }),
  /**
   * A llama2.c checkpoint `<model>/<model>.bin` with its tokenizer file
   * (`tok512.bin`): the tokenizer is read as llama2.c encodes, and the
   * checkpoint is exported to ONNX once for the forward stage.
   */
  Schema.TaggedStruct("llama2c", {
    model: Schema.String,
    tokenizer: Schema.String,
  }),
]);
export type TokenizerSpec = typeof TokenizerSpec.Type;

/**
 * Which hidden states a transformer pipeline reads (state 0 = embedding
 * output, L = last): one or an average of several, or a weighted mix.
 */
export const LayerSelection = Schema.Union([
  Schema.TaggedStruct("last", {}),
  /** The average of state `first` (default 1, the first layer's output) and L. */
  Schema.TaggedStruct("firstLast", {
    first: Schema.optionalKey(NonNegativeInt),
  }),
  /** The average of the listed states; negative indices count from L (−1 = L). */
  Schema.TaggedStruct("layers", {
    indices: Schema.Array(Schema.Int).check(Schema.isMinLength(1)),
  }),
  /** Σ wᵢ·stateᵢ / Σ wᵢ over states 0…L, one weight per state. */
  Schema.TaggedStruct("mix", {
    weights: Schema.Array(Schema.Number.check(Schema.isGreaterThanOrEqualTo(0)))
      .check(Schema.isMinLength(1)),
  }),
]);
export type LayerSelection = typeof LayerSelection.Type;

export const EncoderSpec = Schema.Union([
  /** Seeded random vectors keyed by token id (or hashed word). */
  Schema.TaggedStruct("random", { dim: PositiveInt, seed: NonNegativeInt }),
  /** A word2vec/GloVe text file, relative to SENTEMB_MODELS. */
  Schema.TaggedStruct("wordVectors", { file: Schema.String }),
  /** The input embedding table of a model's ONNX graph, as static vectors. */
  Schema.TaggedStruct("inputEmbeddings", {
    model: Schema.String,
    file: Schema.optionalKey(Schema.String),
  }),
  /**
   * "Avg." vectors (BERT2Static): each token's contextual vectors at the
   * chosen layers, averaged over its occurrences in the corpus, as a static
   * table (shipped in the pipeline's artifact). Tokens never seen there
   * have no vector.
   */
  Schema.TaggedStruct("contextualAverage", {
    model: Schema.String,
    file: Schema.optionalKey(Schema.String),
    layers: LayerSelection,
  }),
  /**
   * A transformer run on the sentence (every hidden state exposed by graph
   * rewriting): `model` is a folder under SENTEMB_MODELS with
   * `onnx/model.onnx` (or `file`), its tokenizer beside it.
   */
  Schema.TaggedStruct("transformer", {
    model: Schema.String,
    file: Schema.optionalKey(Schema.String),
    layers: LayerSelection,
    /** Longest input in tokens; longer ones are truncated (default 512). */
    maxTokens: Schema.optionalKey(PositiveInt),
  }),
]);
export type EncoderSpec = typeof EncoderSpec.Type;

export const WeightingSpec = Schema.Union([
  Schema.TaggedStruct("uniform", {}),
  Schema.TaggedStruct("idf", { fitOn: FitSource }),
  Schema.TaggedStruct("sif", {
    a: Schema.Number.check(Schema.isGreaterThan(0)),
    fitOn: FitSource,
  }),
]);
export type WeightingSpec = typeof WeightingSpec.Type;

export const FilterSpec = Schema.Struct({
  special: Schema.Boolean,
  punctuation: Schema.Boolean,
  subwords: Schema.Boolean,
  /** A fixed stop list (e.g. PromptBERT's frequent-token list). */
  stopwords: Schema.optionalKey(Schema.Array(Schema.String)),
  /** Drop the `count` most frequent tokens of the fitted collection. */
  frequent: Schema.optionalKey(
    Schema.Struct({ count: PositiveInt, fitOn: FitSource }),
  ),
});
export type FilterSpec = typeof FilterSpec.Type;

export const PostprocessSpec = Schema.Struct({
  steps: Schema.Array(PostprocessStep),
  fitOn: FitSource,
});

/** A pipeline as data: decoded once, hashed for its version, run anywhere. */
export const PipelineSpec = Schema.Struct({
  name: Name,
  description: Schema.String,
  tokenizer: TokenizerSpec,
  encoder: EncoderSpec,
  /**
   * `mean`/`max` over kept tokens (any encoder); for transformers also `cls`
   * (first real token), `last` (last real token, read from the attention
   * mask), `mask` (the prompt's [MASK] position) and `meanSqrtLen`
   * (sentence-transformers' mean_sqrt_len_tokens).
   */
  pooling: Schema.Literals([
    "mean",
    "max",
    "cls",
    "last",
    "mask",
    "meanSqrtLen",
  ]),
  /**
   * "BERT+Avg.": the sentence vector becomes (1 − weight)·ĉ + weight·ŝ, the
   * unit-length contextual vector ĉ mixed with the unit-length vector ŝ of
   * this static encoder, pooled with the same tokens, weights and filters.
   */
  staticMix: Schema.optionalKey(Schema.Struct({
    encoder: EncoderSpec,
    weight: Schema.Number.check(Schema.isBetween({ minimum: 0, maximum: 1 })),
  })),
  /**
   * Token Prepending (METHODS §4) on a decoder: a `<PST>` token before the
   * prompt's opening quote, overwritten at the input of every layer in
   * [start, exit) by that input's last-token row — done inside the ONNX
   * graph. The output layer is the encoder's `layers` choice (early exit).
   */
  tokenPrepending: Schema.optionalKey(Schema.Struct({
    start: NonNegativeInt,
    exit: NonNegativeInt,
    /** The placeholder's token id (default 0: any fixed vector will do). */
    placeholderId: Schema.optionalKey(NonNegativeInt),
  })),
  /** A prompt template the sentence is wrapped in before tokenization. */
  prompt: Schema.optionalKey(PromptSpec),
  /**
   * Honour the transformer folder's sentence-transformers modules
   * (`modules.json`: Pooling flags, Dense, Normalize) after the pooling
   * above; `deno task pipelines` shows what the folder declares.
   */
  sentenceTransformers: Schema.optionalKey(Schema.Boolean),
  weighting: WeightingSpec,
  filters: FilterSpec,
  postprocess: Schema.optionalKey(PostprocessSpec),
  /**
   * Content hash of the shipped artifact holding every corpus-fitted
   * statistic (`artifacts/<hash>.semb`, made by `deno task fit`); with it the
   * pipeline runs without the corpus.
   */
  artifact: Schema.optionalKey(
    Schema.String.check(Schema.isPattern(/^[0-9a-f]{16}$/)),
  ),
  /** How many corpus sentences corpus-fitted statistics use. */
  corpusSentences: Schema.optionalKey(PositiveInt),
});
export type PipelineSpec = typeof PipelineSpec.Type;

/** Enough for the whole staged corpus (about 83,000 sentences). */
export const DEFAULT_CORPUS_SENTENCES = 200_000;
