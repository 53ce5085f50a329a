import type { Effect } from "effect";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { EmbeddingService } from "../src/serve/embedding_service.ts";
import type { OpenAiErrorBody } from "../src/serve/openai_schema.ts";
import type {
  BodyTimeout,
  BodyTooLarge,
  InvalidRequest,
  TooManyBodies,
} from "../src/serve/serve_errors.ts";

type Service = EmbeddingService["Service"];
type FailureOf<
  F extends (...args: never[]) => Effect.Effect<unknown, unknown>,
> = Effect.Error<ReturnType<F>>;

/** Every typed failure a route can answer with. */
export type RouteFailure =
  | FailureOf<Service["embed"]>
  | FailureOf<Service["clientModel"]>
  | FailureOf<Service["clientFile"]>
  | FailureOf<Service["ortAsset"]>
  | FailureOf<Service["artifact"]>
  | BodyTooLarge
  | BodyTimeout
  | TooManyBodies
  | InvalidRequest;

interface Tagged {
  readonly _tag?: string;
  readonly message?: string;
}

/**
 * HTTP status, OpenAI error `type` and `code` for each typed failure. Keyed
 * by every tag of {@link RouteFailure}: a new failure without a row here is
 * a compile error, not a silent 500.
 */
const STATUS: {
  readonly [K in RouteFailure["_tag"]]: readonly [
    ContentfulStatusCode,
    string,
    string,
  ];
} = {
  InvalidRequest: [400, "invalid_request_error", "invalid_request"],
  EmptyInput: [400, "invalid_request_error", "empty_input"],
  TooManyInputs: [400, "invalid_request_error", "too_many_inputs"],
  PipelineNotServable: [400, "invalid_request_error", "pipeline_not_servable"],
  UnknownPipeline: [404, "invalid_request_error", "model_not_found"],
  UnknownArtifact: [404, "invalid_request_error", "artifact_not_found"],
  UnknownAsset: [404, "invalid_request_error", "not_found"],
  NotPortable: [404, "invalid_request_error", "not_portable"],
  InvalidCharacters: [400, "invalid_request_error", "invalid_characters"],
  InputTooLong: [413, "invalid_request_error", "input_too_long"],
  RequestTooLong: [413, "invalid_request_error", "input_too_long"],
  BodyTooLarge: [413, "invalid_request_error", "body_too_large"],
  AnswerTooLarge: [413, "invalid_request_error", "answer_too_large"],
  BodyTimeout: [408, "invalid_request_error", "body_timeout"],
  Overloaded: [429, "rate_limit_error", "overloaded"],
  TooManyBodies: [429, "rate_limit_error", "overloaded"],
  RequestTimeout: [504, "timeout_error", "timeout"],
  MissingModelFiles: [503, "server_error", "model_unavailable"],
  RuntimeUnsupported: [503, "server_error", "runtime_unsupported"],
  DataError: [503, "server_error", "data_unavailable"],
  ArtifactError: [503, "server_error", "artifact_unavailable"],
  BadConfig: [500, "server_error", "bad_pipeline_config"],
  ForwardFailed: [500, "server_error", "forward_failed"],
  OnnxParseError: [503, "server_error", "model_unavailable"],
  CacheNotWritable: [503, "server_error", "model_unavailable"],
  LayersNotFound: [503, "server_error", "model_unavailable"],
  TokenPrependingUnsupported: [503, "server_error", "model_unavailable"],
  Llama2cFormatError: [503, "server_error", "model_unavailable"],
  PlaceholderUnplaceable: [500, "server_error", "bad_pipeline_config"],
};

/**
 * What a server-side failure tells the client: its own message may name
 * host paths (a missing model's folder, an unwritable cache), so only the
 * code speaks and the details go to the server's log.
 */
const SERVER_SIDE: Readonly<Record<string, string>> = {
  model_unavailable:
    "the pipeline's model files are not available on this host (details in the server log)",
  data_unavailable:
    "the pipeline's data files are not available on this host (details in the server log)",
  artifact_unavailable:
    "the pipeline's artifact is not available on this host (details in the server log)",
  bad_pipeline_config:
    "the pipeline is misconfigured on this host (details in the server log)",
  forward_failed: "the model run failed (details in the server log)",
};

/** Server-side failures whose fix an operator needs to read, without paths. */
const SERVER_SIDE_BY_TAG: Readonly<Record<string, string>> = {
  CacheNotWritable:
    "the pipeline's derived model graph is not in SENTEMB_CACHE and this host cannot write it: load the pipeline once where SENTEMB_CACHE is writable and ship that cache (details in the server log)",
};

/**
 * Maps a failure to its status and OpenAI-shaped body; unknown ones are
 * 500s. `log` receives every failure whose message is withheld.
 */
export const errorResponse = (
  error: unknown,
  param: string | null = null,
  log: (message: string) => void = (m) => console.error(m),
): { status: ContentfulStatusCode; body: OpenAiErrorBody } => {
  const e = (error ?? {}) as Tagged & { param?: string };
  const known = e._tag
    ? (STATUS as Record<
      string,
      readonly [ContentfulStatusCode, string, string]
    >)[
      e._tag
    ]
    : undefined;
  const [status, type, code] = known ??
    [500, "server_error", "internal_error"];
  const safe = SERVER_SIDE_BY_TAG[e._tag ?? ""] ?? SERVER_SIDE[code];
  const withheld = !known || safe !== undefined;
  if (withheld && error !== undefined) {
    log(`error[${e._tag ?? "defect"}]: ${e.message ?? String(error)}`);
  }
  return {
    status,
    body: {
      error: {
        // Client errors speak; server-side ones (and defects) may leak
        // internals such as host paths.
        message: !known ? "internal server error" : safe ?? e.message ?? code,
        type,
        param: e.param ?? param,
        code,
      },
    },
  };
};
