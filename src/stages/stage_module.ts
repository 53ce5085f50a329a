import type { Effect, Schema } from "effect";
import type { Aggregator } from "../aggregate/aggregate.ts";
import type { Embeddings } from "../embeddings.ts";
import type { BadConfig } from "../errors.ts";
import type { StaticEncoder } from "../aggregate/static_encoder.ts";
import type { Tokenized, Tokenizer } from "../tokenize/tokenized.ts";
import type { ArtifactSection } from "../artifact/artifact_section.ts";
import type { FitSource } from "./fit_source.ts";
import type { LoadError, PipelineResources } from "./resources.ts";

/**
 * The phases of a pipeline, in the order they run. The token phase (prompt →
 * tokenizer → vectors → weighting/filter → pool) has an inherent order; the
 * sentence phase is an open, ordered list of steps.
 */
export const PHASES = [
  "prompt",
  "tokenizer",
  "vectors",
  "weighting",
  "filter",
  "pool",
  "sentence",
] as const;
/** The phase a stage runs in. */
export type Phase = typeof PHASES[number];

/** A declaration: the JSON a pipeline writes for one stage. */
export interface Declaration {
  /** The stage's kind. */
  readonly _tag: string;
}

/** What every stage module says about itself. */
export interface StageModule<D extends Declaration = Declaration> {
  /** The declaration's `_tag`. */
  readonly tag: D["_tag"];
  /** The phase it runs in. */
  readonly phase: Phase;
  /** Its declaration, a tagged struct. */
  readonly schema: Schema.Codec<D, unknown>;
  /** Where its statistics are fitted (none: an empty list). */
  sources(d: D): ReadonlyArray<FitSource>;
  /** Files it needs besides the project, as people read them. */
  needs(d: D): ReadonlyArray<string>;
  /** Why it cannot run in a browser from shipped files; undefined if it can. */
  notPortable(d: D): string | undefined;
}

/** How a sentence step changes whether a vector's first k components make a k-d embedding. */
export type PrefixEffect =
  /** Per-dimension steps: a prefix stays a prefix. */
  | "keeps"
  /** Components come sorted by variance (whitening): truncation is PCA. */
  | "sorts"
  /** Rotations and mixes: a prefix means nothing. */
  | "breaks";

/** The output's number type: floats, or the integers of a quantization step. */
export type OutputPrecision = "float32" | "int8" | "uint8";

/** What a sentence step sees when it is fitted. */
export interface StepFitInput {
  /** Width of the vectors the step receives. */
  readonly dim: number;
  /**
   * Vectors of its statistics' source as the steps before it leave them;
   * undefined for a step that fits nothing.
   */
  readonly sample: Embeddings | undefined;
  /** The pipeline's token-phase settings (pooling, weights, filters). */
  readonly tokens: TokenPhaseView;
  /** The token aggregation of a static encoder with the pipeline's weights and filters. */
  aggregatorFor(encoder: StaticEncoder): Aggregator;
  /** Sentences of the fitting corpus (for steps with a table to average). */
  readonly corpus: ReadonlyArray<string>;
  /** The pipeline's tokenizer. */
  readonly tokenizer: Tokenizer;
  /** The step's section of the shipped artifact, when there is one. */
  readonly shipped: ArtifactSection | undefined;
  /** The pipeline's resources. */
  readonly resources: PipelineResources;
}

/** A batch as a sentence step may read it besides its vectors. */
export interface StepBatch {
  /** The batch's tokenized sentences. */
  readonly tokens: ReadonlyArray<Tokenized>;
}

/** The token phase as later steps check it. */
export interface TokenPhaseView {
  /** The pooling mode. */
  readonly pooling: string;
  /** The transformer's model id, for a transformer pipeline. */
  readonly transformerModel: string | undefined;
  /** Whether tokens are weighted or filtered (anything but a plain pool). */
  readonly weightedOrFiltered: boolean;
}

/**
 * A sentence step: fitted once (on the corpus, the input, its shipped
 * section, or nothing), then a pure function on a batch of vectors.
 */
export interface SentenceStepModule<
  D extends Declaration = Declaration,
  F = unknown,
> extends StageModule<D> {
  /** Sentence steps run after pooling. */
  readonly phase: "sentence";
  /** Fits the step's statistics. */
  fit(
    d: D,
    input: StepFitInput,
  ): Effect.Effect<F, LoadError | BadConfig>;
  /** Pure: a new batch, the input untouched. */
  apply(fitted: F, x: Embeddings, batch: StepBatch): Embeddings;
  /** The dimension of its output for an input of `inputDim`. */
  outputDim(fitted: F, inputDim: number): number;
  /**
   * Its section of an artifact. `decode` (throws a RangeError when
   * malformed) rebuilds the fitted step; a step without it reads its
   * section in `fit` (`input.shipped`), for what needs resources too.
   */
  readonly artifact?: {
    encode(fitted: F): ArtifactSection;
    decode?(section: ArtifactSection, inputDim: number, d: D): F;
  };
  /** How it changes the pipeline's output prefix. */
  readonly prefix: PrefixEffect;
  /** The number type of its output (quantization steps); float32 otherwise. */
  precision?(d: D): OutputPrecision;
}
