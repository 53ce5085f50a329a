/** Limits and batching of the embedding server; every field has a default. */
export interface ServeConfig {
  /** Inputs accepted in one request (OpenAI: 2048). */
  readonly maxInputs: number;
  /**
   * Tokens accepted per input, as the pipeline's tokenizer counts them; a
   * transformer's own limit (its `maxTokens`) applies too, whichever is less.
   */
  readonly maxInputTokens: number;
  /**
   * Characters accepted per input whatever the tokenizer says (413 above),
   * checked before anything is tokenized: one 1 MB "word" is a single token
   * to a word tokenizer, and no tokenizer should be handed megabytes in the
   * first place.
   */
  readonly maxInputChars: number;
  /** Characters accepted in one request, all inputs together (413 above). */
  readonly maxRequestChars: number;
  /**
   * Over-long inputs: cut to the token limit, or refuse with 413. A request
   * may choose for itself with `"truncate": true | false`.
   */
  readonly overLength: "truncate" | "reject";
  /**
   * Values one answer may carry (inputs × dimensions, or n² for a similarity
   * matrix) as JSON numbers; base64 answers may carry four times as many.
   */
  readonly maxAnswerValues: number;
  /** Request body cap in bytes (413 above it). */
  readonly maxBodyBytes: number;
  /** Longest a request body may take to arrive (408 after). */
  readonly bodyTimeoutMs: number;
  /** Request bodies being received at once (429 above). */
  readonly maxBodiesInFlight: number;
  /** Merge concurrent requests for one pipeline into shared batches. */
  readonly batching: boolean;
  /** Token budget of one merged batch. */
  readonly maxBatchTokens: number;
  /** Longest a request waits for others to join its batch. */
  readonly maxWaitMs: number;
  /** Longest a request may take before a 504. */
  readonly timeoutMs: number;
  /**
   * Requests one pipeline holds at once, running or waiting (429
   * `overloaded` with `Retry-After` above).
   */
  readonly maxQueue: number;
  /** Origins allowed cross-origin requests (`*` for any); none by default. */
  readonly corsOrigins: ReadonlyArray<string>;
}

/** The server's default limits and settings. */
export const DEFAULT_SERVE_CONFIG: ServeConfig = {
  maxInputs: 2048,
  maxInputTokens: 8192,
  maxInputChars: 65_536,
  maxRequestChars: 2 * 1024 * 1024,
  overLength: "reject",
  maxAnswerValues: 4_194_304,
  maxBodyBytes: 2 * 1024 * 1024,
  bodyTimeoutMs: 10_000,
  maxBodiesInFlight: 64,
  batching: true,
  maxBatchTokens: 16_384,
  maxWaitMs: 2,
  timeoutMs: 30_000,
  maxQueue: 64,
  corsOrigins: [],
};
