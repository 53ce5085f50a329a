import { Schema } from "effect";

const PositiveInt = Schema.Int.check(Schema.isGreaterThan(0));

/**
 * A pipeline name as a client sends it. Bounded and restricted to the
 * registry's alphabet, so nothing else is ever looked up; lookups go through
 * the registry only and never reach the filesystem.
 */
export const ModelName = Schema.String.check(
  Schema.isPattern(/^[a-z0-9][a-z0-9.-]{0,127}$/),
);

/** `POST /v1/embeddings`, as the OpenAI API defines it (token-array input excepted). */
export const EmbeddingsRequest = Schema.Struct({
  input: Schema.Union([Schema.String, Schema.Array(Schema.String)]),
  model: ModelName,
  encoding_format: Schema.optionalKey(Schema.Literals(["float", "base64"])),
  dimensions: Schema.optionalKey(PositiveInt),
  user: Schema.optionalKey(Schema.String),
  /** Extension: cut over-long inputs (true) or refuse them with 413 (false). */
  truncate: Schema.optionalKey(Schema.Boolean),
});
export type EmbeddingsRequest = typeof EmbeddingsRequest.Type;

/**
 * `POST /v1/similarity`: cosine similarity of given `pairs`, or the full
 * matrix of `sentences` against themselves.
 */
export const SimilarityRequest = Schema.Union([
  Schema.Struct({
    model: ModelName,
    pairs: Schema.Array(Schema.Tuple([Schema.String, Schema.String])),
    truncate: Schema.optionalKey(Schema.Boolean),
  }),
  Schema.Struct({
    model: ModelName,
    sentences: Schema.Array(Schema.String),
    truncate: Schema.optionalKey(Schema.Boolean),
  }),
]);
export type SimilarityRequest = typeof SimilarityRequest.Type;

/** The error body every failure answers with (OpenAI's shape). */
export interface OpenAiErrorBody {
  readonly error: {
    readonly message: string;
    readonly type: string;
    readonly param: string | null;
    readonly code: string | null;
  };
}
