import { Schema } from "effect";
import { PostprocessStep } from "../postprocess/mod.ts";

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
]);
export type TokenizerSpec = typeof TokenizerSpec.Type;

export const EncoderSpec = Schema.Union([
  /** Seeded random vectors keyed by token id (or hashed word). */
  Schema.TaggedStruct("random", { dim: PositiveInt, seed: NonNegativeInt }),
  /** A word2vec/GloVe text file, relative to SENTEMB_MODELS. */
  Schema.TaggedStruct("wordVectors", { file: Schema.String }),
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
  pooling: Schema.Literals(["mean", "max"]),
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
