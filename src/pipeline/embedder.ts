import type { Effect } from "effect";
import type { FittedStatistics } from "../artifact/fitted_statistics.ts";
import type { Embeddings } from "../embeddings.ts";
import type { BadConfig, EmptyInput } from "../errors.ts";
import type { ForwardFailed } from "../forward/errors.ts";
import type { OutputPrecision } from "../stages/stage_module.ts";
import type { LoadError } from "../stages/resources.ts";
import type { Tokenized } from "../tokenize/tokenized.ts";
import type { LoadedTransformer } from "../forward/load_transformer_stage.ts";
import type { Plan } from "./plan.ts";
import type { PipelineSpec } from "./spec.ts";

/** Embedding fails on empty input, or when a transformer run fails. */
export type EmbedError = EmptyInput | ForwardFailed | BadConfig;

/** Per-call options of an embedder. */
export interface EmbedOptions {
  /** Cut longer sentences to their first `maxTokens` tokens. */
  readonly maxTokens?: number;
  /**
   * Return the first `dimensions` components (renormalised when the
   * pipeline's vectors are unit length).
   */
  readonly dimensions?: number;
  /**
   * Tokenize without cutting to the encoder's limit ({@link Embedder.maxTokens}),
   * so a caller can see what would be lost and decide (the server truncates
   * or refuses, and says so); such tokens must be cut before `embedTokens`.
   */
  readonly untruncated?: boolean;
}

/** A pipeline ready to embed: every statistic fitted, every resource loaded. */
export interface Embedder {
  /** The pipeline it runs. */
  readonly spec: PipelineSpec;
  /** The pipeline's compiled plan. */
  readonly plan: Plan;
  /** The pipeline's content hash. */
  readonly hash: string;
  /** The dimension of its vectors. */
  readonly dim: number;
  /** The number type of the output values (int8/uint8 after quantization). */
  readonly precision: OutputPrecision;
  /** Whether every output row is unit length (the last step is `l2`). */
  readonly unitLength: boolean;
  /**
   * The most tokens the encoder takes (a transformer's position limit);
   * `tokenize` cuts longer sentences to it unless asked not to.
   */
  readonly maxTokens?: number;
  /** Embeds a validated batch; fails only on empty input or a failed run. */
  embed(
    texts: ReadonlyArray<string>,
    options?: EmbedOptions,
  ): Effect.Effect<Embeddings, EmbedError>;
  /** Sentences as this pipeline feeds them (prompt, tokenizer, truncation). */
  tokenize(
    texts: ReadonlyArray<string>,
    options?: EmbedOptions,
  ): Tokenized[];
  /** Embeds sentences already tokenized by {@link Embedder.tokenize}. */
  embedTokens(
    tokens: ReadonlyArray<Tokenized>,
    options?: EmbedOptions,
  ): Effect.Effect<Embeddings, EmbedError>;
  /**
   * The first `k` components of output rows (the `truncate` step),
   * renormalised when the pipeline's vectors are unit length.
   */
  reduceDimensions(x: Embeddings, k: number): Embeddings;
  /** Tokens per sentence as this pipeline's tokenizer counts them (no prompt). */
  countTokens(texts: ReadonlyArray<string>): Int32Array;
  /** A transformer pipeline's model, as it is handed to clients. */
  readonly transformer?: LoadedTransformer;
}

/**
 * A pipeline with its resources loaded and corpus statistics fitted. For a
 * transductive pipeline, `fit` takes the sentences whose statistics it may
 * use (in evaluation a task's sentences; in `embed` the input itself).
 */
export interface LoadedPipeline {
  /** The pipeline it runs. */
  readonly spec: PipelineSpec;
  /** The pipeline's compiled plan. */
  readonly plan: Plan;
  /** The pipeline's content hash. */
  readonly hash: string;
  /** Fits the pipeline's statistics (on `texts` for a transductive pipeline) into an embedder. */
  fit(
    input: ReadonlyArray<string>,
  ): Effect.Effect<Embedder, EmbedError | LoadError>;
  /**
   * What was fitted on the corpus at load (not read from an artifact), for
   * `deno task fit` to ship; undefined when nothing was.
   */
  corpusStatistics():
    | { readonly corpus: string; readonly fitted: FittedStatistics }
    | undefined;
}
