import type { Effect } from "effect";
import type { ContextualPooling } from "../aggregate/contextual_pool.ts";
import type { TokenFilter } from "../aggregate/token_filter.ts";
import type { TokenStats } from "../tokenize/token_stats.ts";
import type { TokenWeight } from "../aggregate/weighting.ts";
import type { ArtifactSection } from "../artifact/artifact_section.ts";
import type { StaticEncoder } from "../aggregate/static_encoder.ts";
import type { Tokenized, Tokenizer } from "../tokenize/tokenized.ts";
import type { FitSource } from "./fit_source.ts";
import type { LoadError, PipelineResources } from "./resources.ts";
import type { Declaration, StageModule } from "./stage_module.ts";

/** Statistics by source, once fitted. */
export type StatsBySource = (source: FitSource) => TokenStats;

/** A prompt: wraps the sentence before tokenization. */
export interface PromptModule<D extends Declaration = Declaration>
  extends StageModule<D> {
  /** Prompts run first. */
  readonly phase: "prompt";
}

/**
 * Turns text into tokens. Its files are read by the server's loaders
 * (`src/pipeline/server_loaders.ts`); a client hands the tokenizer over.
 */
export interface TokenizerModule<D extends Declaration = Declaration>
  extends StageModule<D> {
  /** Tokenizers run after the prompt. */
  readonly phase: "tokenizer";
}

/** What fitting a static table over the corpus reads. */
export interface TableInput {
  /** Sentences of the fitting corpus. */
  readonly corpus: ReadonlyArray<string>;
  /** The pipeline's tokenizer. */
  readonly tokenizer: Tokenizer;
  /** Its section of the shipped artifact, when there is one. */
  readonly shipped: ArtifactSection | undefined;
  /** The pipeline's resources. */
  readonly resources: PipelineResources;
}

/** A table of token vectors (static encoders). */
export interface StaticVectorsModule<D extends Declaration = Declaration>
  extends StageModule<D> {
  /** Vectors stages run after the tokenizer. */
  readonly phase: "vectors";
  /** A static table of token vectors. */
  readonly kind: "static";
  /** Whether token ids must come from the model's own tokenizer. */
  readonly needsModelTokenizer: boolean;
  /**
   * For a table averaged over the corpus ("Avg."): fits it (or reads its
   * shipped section) and returns the encoder with the section to ship.
   */
  fitTable?(
    d: D,
    input: TableInput,
  ): Effect.Effect<
    { readonly encoder: StaticEncoder; readonly section: ArtifactSection },
    LoadError
  >;
}

/** A transformer run on the sentence: contextual token vectors. */
export interface TransformerVectorsModule<D extends Declaration = Declaration>
  extends StageModule<D> {
  /** Vectors stages run after the tokenizer. */
  readonly phase: "vectors";
  /** A transformer's contextual token states. */
  readonly kind: "transformer";
}

/** Any vectors stage module. */
export type VectorsModule<D extends Declaration = Declaration> =
  | StaticVectorsModule<D>
  | TransformerVectorsModule<D>;

/** A token weight fitted from statistics (idf, SIF). */
export interface WeightingModule<D extends Declaration = Declaration>
  extends StageModule<D> {
  /** Weightings run after the vectors. */
  readonly phase: "weighting";
  /** Each token's weight, from the fitted statistics. */
  weight(d: D, stats: StatsBySource): TokenWeight;
}

/** Which tokens take part in pooling. */
export interface FilterModule<D extends Declaration = Declaration>
  extends StageModule<D> {
  /** Filters run after the weighting. */
  readonly phase: "filter";
  /** Which tokens are kept, from the fitted statistics. */
  keep(d: D, stats: StatsBySource): TokenFilter;
}

/** How token vectors become one sentence vector. */
export interface PoolModule<D extends Declaration = Declaration>
  extends StageModule<D> {
  /** Pooling runs last in the token phase. */
  readonly phase: "pool";
  /** The pooling mode it declares. */
  mode(d: D): ContextualPooling;
}

/** The tokens of one sentence as the pipeline feeds them. */
export type SentenceTokenizer = (text: string) => Tokenized;
