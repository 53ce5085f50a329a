import { Effect } from "effect";
import { cosine, type Embeddings, fromData, row } from "../embeddings.ts";
import type { Embedder, EmbedError } from "../pipeline/load.ts";
import type { Tokenized } from "../tokenize/tokenized.ts";
import { truncateTokens } from "../tokenize/truncate.ts";
import type { ServeConfig } from "./serve_config.ts";
import {
  AnswerTooLarge,
  InputTooLong,
  PipelineNotServable,
} from "./serve_errors.ts";

/** How one request wants its vectors (plain data: it crosses to workers). */
export interface EmbedOptions {
  /** Fewer dimensions (the pipeline's `truncate` step), when reducible. */
  readonly dimensions?: number;
  /** Cut over-long inputs (true) or refuse them (false); the server's setting otherwise. */
  readonly truncate?: boolean;
  /** How the answer is sent: base64 answers may carry more values. */
  readonly encoding?: "float" | "base64";
  /**
   * What the answer holds: the vectors (rows × dim values, the default), a
   * score per pair (rows / 2) or the rows × rows similarity matrix.
   */
  readonly answer?: "vectors" | "pairs" | "matrix";
}

/** What a served pipeline's entry says that the request path needs. */
export interface ServedPipeline {
  /** The pipeline's name. */
  readonly id: string;
  /** Whether its vectors may be cut to fewer dimensions. */
  readonly reducibleDimensions: boolean;
  /** The server L2-normalises its float vectors. */
  readonly normalizedHere: boolean;
}

export interface EmbedOutcome {
  readonly vectors: Embeddings;
  readonly tokens: number;
  readonly truncated: number;
  /**
   * For a `pairs` answer the cosine of rows i and n/2 + i; for a `matrix`
   * answer the rows × rows cosines, row-major.
   */
  readonly scores?: Float64Array;
}

/** The scores a similarity answer holds (see {@link EmbedOutcome.scores}). */
export const similarityScores = (
  v: Embeddings,
  answer: "pairs" | "matrix",
): Float64Array => {
  if (answer === "pairs") {
    const n = v.rows / 2;
    return Float64Array.from(
      { length: n },
      (_, i) => cosine(row(v, i), row(v, n + i)),
    );
  }
  const out = new Float64Array(v.rows * v.rows);
  for (let i = 0; i < v.rows; i++) {
    for (let j = 0; j < v.rows; j++) {
      out[i * v.rows + j] = cosine(row(v, i), row(v, j));
    }
  }
  return out;
};

export type RequestFailure =
  | PipelineNotServable
  | AnswerTooLarge
  | InputTooLong
  | EmbedError;

/** Rows scaled to unit length; an all-zero row stays zero. */
export const normalizeRows = (x: Embeddings): Embeddings => {
  const out = new Float32Array(x.data);
  for (let r = 0; r < x.rows; r++) {
    const v = out.subarray(r * x.dim, (r + 1) * x.dim);
    let sum = 0;
    for (let j = 0; j < v.length; j++) sum += v[j] * v[j];
    if (sum > 0) {
      const inv = 1 / Math.sqrt(sum);
      for (let j = 0; j < v.length; j++) v[j] *= inv;
    }
  }
  return fromData(x.rows, x.dim, out);
};

/**
 * One request on a loaded pipeline, the same on the event loop and in a
 * worker: dimensions and answer size checked, sentences tokenized once and
 * whole, cut to the token limit (the server's or the encoder's, whichever is
 * less) or refused, embedded through `submit`, reduced and normalised.
 */
export const embedRequest = (
  embedder: Embedder,
  submit: (tokens: ReadonlyArray<Tokenized>) => Promise<Embeddings>,
  served: ServedPipeline,
  texts: ReadonlyArray<string>,
  options: EmbedOptions,
  config: Pick<
    ServeConfig,
    "maxInputTokens" | "overLength" | "maxAnswerValues"
  >,
): Effect.Effect<EmbedOutcome, RequestFailure> =>
  Effect.gen(function* () {
    const dims = options.dimensions;
    if (dims !== undefined && dims !== embedder.dim) {
      if (!served.reducibleDimensions || dims > embedder.dim) {
        return yield* new PipelineNotServable({
          name: served.id,
          reason: served.reducibleDimensions
            ? `dimensions must be at most ${embedder.dim}`
            : `its ${embedder.dim} dimensions cannot be reduced`,
        });
      }
    }
    const dim = dims ?? embedder.dim;
    const encoding = options.encoding ?? "float";
    const n = texts.length;
    const values = options.answer === "pairs"
      ? n / 2
      : options.answer === "matrix"
      ? n * n
      : n * dim;
    const maxValues = encoding === "base64"
      ? 4 * config.maxAnswerValues
      : config.maxAnswerValues;
    if (values > maxValues) {
      return yield* new AnswerTooLarge({ values, max: maxValues, encoding });
    }
    const tokenized = embedder.tokenize(texts, { untruncated: true });
    const limit = Math.min(
      config.maxInputTokens,
      embedder.maxTokens ?? Infinity,
    );
    const truncate = options.truncate ?? config.overLength === "truncate";
    let tokens = 0;
    let truncated = 0;
    for (let i = 0; i < tokenized.length; i++) {
      const count = tokenized[i].ids.length;
      if (count > limit) {
        if (!truncate) {
          return yield* new InputTooLong({
            index: i,
            length: count,
            max: limit,
            unit: "tokens",
          });
        }
        tokenized[i] = truncateTokens(tokenized[i], limit);
        truncated++;
      }
      tokens += tokenized[i].ids.length;
    }
    let vectors = yield* Effect.tryPromise({
      try: () => submit(tokenized),
      // The batch ran the embedder's Effect; its typed failure comes back.
      catch: (e) => e as EmbedError,
    });
    if (dims !== undefined && dims < vectors.dim) {
      vectors = embedder.reduceDimensions(vectors, dims);
    }
    if (served.normalizedHere) vectors = normalizeRows(vectors);
    const answer = options.answer ?? "vectors";
    return answer === "vectors" ? { vectors, tokens, truncated } : {
      vectors,
      tokens,
      truncated,
      scores: similarityScores(vectors, answer),
    };
  });
