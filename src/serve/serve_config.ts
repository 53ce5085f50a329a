/** Limits and batching of the embedding server; every field has a default. */
export interface ServeConfig {
  /** Inputs accepted in one request (OpenAI: 2048). */
  readonly maxInputs: number;
  /** Tokens accepted per input, as the pipeline's tokenizer counts them. */
  readonly maxInputTokens: number;
  /**
   * Characters accepted per input whatever the tokenizer says (413 above):
   * one 1 MB "word" is a single token to a word tokenizer, and no
   * tokenizer should be handed megabytes in the first place.
   */
  readonly maxInputChars: number;
  /** Over-long inputs: cut to `maxInputTokens`, or refuse with 413. */
  readonly overLength: "truncate" | "reject";
  /** Request body cap in bytes (413 above it). */
  readonly maxBodyBytes: number;
  /** Merge concurrent requests for one pipeline into shared batches. */
  readonly batching: boolean;
  /** Token budget of one merged batch. */
  readonly maxBatchTokens: number;
  /** Longest a request waits for others to join its batch. */
  readonly maxWaitMs: number;
  /** Longest a request may take before a 504. */
  readonly timeoutMs: number;
}

export const DEFAULT_SERVE_CONFIG: ServeConfig = {
  maxInputs: 2048,
  maxInputTokens: 8192,
  maxInputChars: 65_536,
  overLength: "reject",
  maxBodyBytes: 2 * 1024 * 1024,
  batching: true,
  maxBatchTokens: 16_384,
  maxWaitMs: 2,
  timeoutMs: 30_000,
};
