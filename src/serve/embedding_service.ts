import { Context, Effect, Layer } from "effect";
import type { Embeddings } from "../embeddings.ts";
import type { BadConfig, UnknownPipeline } from "../errors.ts";
import { ArtifactError } from "../artifact/artifact_error.ts";
import { findArtifact } from "../artifact/artifact_store.ts";
import { artifactDirs, Paths } from "../paths.ts";
import type { Services } from "../services.ts";
import type { Statistics } from "../pipeline/describe.ts";
import type { OutputPrecision } from "../stages/stage_module.ts";
import { type EmbedError, loadPipeline } from "../pipeline/load.ts";
import type { PipelineSpec } from "../pipeline/spec.ts";
import {
  type ClientFileBody,
  type ClientModel,
  clientModels,
} from "./client_models.ts";
import { type OrtAsset, ortAssets } from "./ort_assets.ts";
import type { ServerMetrics } from "./metrics.ts";
import { DEFAULT_SERVE_CONFIG, type ServeConfig } from "./serve_config.ts";
import type { EmbedOptions } from "./embed_request.ts";
import { serviceCore } from "./service_core.ts";
import type { WorkerPool } from "./worker_pool.ts";

export { type EmbedOptions, normalizeRows } from "./embed_request.ts";
import type {
  AnswerTooLarge,
  InputTooLong,
  InvalidCharacters,
  NotPortable,
  Overloaded,
  PipelineNotServable,
  RequestTimeout,
  RequestTooLong,
  RuntimeUnsupported,
  TooManyInputs,
  UnknownArtifact,
  UnknownAsset,
} from "./serve_errors.ts";

/** A pipeline as `GET /v1/models` lists it. */
export interface ModelInfo {
  /** The pipeline's name. */
  readonly id: string;
  /** Its content hash. */
  readonly hash: string;
  /** Its description. */
  readonly description: string;
  /** Which statistics it fits. */
  readonly statistics: Statistics;
  /** Whether its vectors may be cut to fewer dimensions. */
  readonly reducibleDimensions: boolean;
  /** The number type of its values (int8/uint8 for quantized pipelines). */
  readonly precision: OutputPrecision;
  /**
   * Whether its served vectors are unit length: float vectors are, unless
   * the pipeline opts out (`rawVectors`); quantized ones are not.
   */
  readonly unitLength: boolean;
  /** Whether the server L2-normalises them (the pipeline does not end in `l2`). */
  readonly normalizedHere: boolean;
}

/** Whether a pipeline can run now, as far as this server has tried. */
export interface Availability {
  /**
   * `ready`: loaded; `loading`; `unavailable`: its last load failed (with
   * the failure's tag; the next request tries again); `not_loaded`: not
   * tried yet.
   */
  readonly availability: "ready" | "loading" | "unavailable" | "not_loaded";
  /** Output dimension, once loaded. */
  readonly dimensions: number | null;
  /** Why it is unavailable (the failure's tag). */
  readonly reason?: string;
}

/** An embedding request's answer. */
export interface EmbedResult {
  /** The vectors. */
  readonly vectors: Embeddings;
  /** Tokens embedded, prompt included (what `usage` reports). */
  readonly tokens: number;
  /** Inputs cut to the token limit. */
  readonly truncated: number;
  /** Similarity scores, when the request asked for pairs or a matrix. */
  readonly scores?: Float64Array;
  /** The pipeline's content hash. */
  readonly hash: string;
  /** The number type of the values. */
  readonly precision: OutputPrecision;
}

/** Whatever finding and loading a pipeline can fail with. */
export type LoadFailure =
  | Effect.Error<ReturnType<typeof loadPipeline>>
  | UnknownPipeline
  | BadConfig
  | EmbedError;

/** Whatever an embedding request can fail with. */
export type EmbedFailure =
  | LoadFailure
  | EmbedError
  | PipelineNotServable
  | TooManyInputs
  | InputTooLong
  | InvalidCharacters
  | RequestTooLong
  | AnswerTooLarge
  | Overloaded
  | RequestTimeout
  | RuntimeUnsupported;

/** What the {@link EmbeddingService} service provides. */
export interface EmbeddingServiceShape {
  /** The server's limits and settings. */
  readonly config: ServeConfig;
  /** The server's metrics. */
  readonly metrics: ServerMetrics;
  /** The served pipelines. */
  readonly models: ReadonlyArray<ModelInfo>;
  /** Embeds `texts` with a served pipeline, within the configured limits. */
  embed(
    model: string,
    texts: ReadonlyArray<string>,
    options?: EmbedOptions,
  ): Effect.Effect<EmbedResult, EmbedFailure>;
  /** Whether a served pipeline can run now (see {@link Availability}). */
  availability(id: string): Availability;
  /** Loads every served pipeline, one after another; failures are recorded, not raised. */
  readonly warm: Effect.Effect<void>;
  /**
   * Pipelines a client can run itself (the page): static ones from their
   * spec and artifact, transformer ones also from their model's files here.
   */
  readonly portable: ReadonlyArray<PipelineSpec>;
  /** Bytes of each portable pipeline's weights file (0 for static ones): what a client downloads. */
  readonly portableModelBytes: ReadonlyMap<string, number>;
  /** How a client runs a transformer pipeline (loads it here first). */
  clientModel(
    name: string,
  ): Effect.Effect<ClientModel, LoadFailure | NotPortable>;
  /** One of a transformer pipeline's client files, streamed. */
  clientFile(
    name: string,
    role: string,
  ): Effect.Effect<ClientFileBody, LoadFailure | NotPortable>;
  /** onnxruntime-web's browser files, from the installed package. */
  ortAsset(name: string): Effect.Effect<OrtAsset, UnknownAsset>;
  /** A declared artifact's bytes; any other name is an ArtifactError. */
  artifact(
    hash: string,
  ): Effect.Effect<Uint8Array, ArtifactError | UnknownArtifact>;
}

/** The service key base of {@link EmbeddingService}. */
export const EmbeddingServiceBase: Context.ServiceClass<
  EmbeddingService,
  "sentemb/EmbeddingService",
  EmbeddingServiceShape
> = Context.Service<EmbeddingService, EmbeddingServiceShape>()(
  "sentemb/EmbeddingService",
);

/**
 * Pipelines behind an HTTP server: loaded once on first use, merged into
 * micro-batches, bounded by the configured limits.
 */
export class EmbeddingService extends EmbeddingServiceBase {}

/**
 * Builds the {@link EmbeddingService} over a registry of pipelines.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Effect, ManagedRuntime } from "effect";
 * import {
 *   createApp, l2, makeEmbeddingService, meanPool, pipeline, randomVectors,
 *   ServicesFromEnv, wordTokens,
 * } from "../../mod.ts";
 *
 * const mine = pipeline("words-32", wordTokens(), randomVectors(32, 5), meanPool(), l2());
 * const runtime = ManagedRuntime.make(ServicesFromEnv);
 * const app = createApp(await runtime.runPromise(makeEmbeddingService([mine])));
 * const answer = await app.request("/v1/embeddings", {
 *   method: "POST",
 *   headers: { "content-type": "application/json" },
 *   body: JSON.stringify({ model: "words-32", input: ["A cat.", "A dog."] }),
 * });
 * assert.equal(answer.status, 200);
 * const body = await answer.json();
 * assert.equal(body.data.length, 2);
 * assert.equal(body.data[0].embedding.length, 32);
 * await runtime.dispose();
 * ```
 */
export const makeEmbeddingService: (
  registry: ReadonlyArray<PipelineSpec>,
  config?: ServeConfig,
  pool?: WorkerPool,
) => Effect.Effect<EmbeddingServiceShape, never, Services> = Effect.fn(
  "makeEmbeddingService",
)(
  function* (
    registry: ReadonlyArray<PipelineSpec>,
    config: ServeConfig = DEFAULT_SERVE_CONFIG,
    /**
     * Workers to embed in, off the event loop; without, requests run on it
     * (micro-batched). Pipelines still load here for the client routes.
     */
    pool?: WorkerPool,
  ) {
    const context = yield* Effect.context<Services>();
    const paths = Context.get(context, Paths);
    return serviceCore(registry, config, {
      load: (spec) =>
        Effect.provideContext(
          // Non-transductive pipelines ignore what they are fitted on.
          Effect.flatMap(loadPipeline(spec), (p) => p.fit(["-"])),
          context,
        ),
      clients: (load) => clientModels(registry, paths, load),
      ortAsset: ortAssets(),
      artifact: (hash) =>
        Effect.try({
          try: () => Deno.readFileSync(findArtifact(artifactDirs(paths), hash)),
          catch: () =>
            new ArtifactError({ artifact: hash, reason: "not on this host" }),
        }),
    }, pool);
  },
);

/** The service over a registry, reading models and data through `Paths`. */
export const embeddingServiceLayer = (
  registry: ReadonlyArray<PipelineSpec>,
  config?: Partial<ServeConfig>,
): Layer.Layer<EmbeddingService, never, Services> =>
  Layer.effect(
    EmbeddingService,
    makeEmbeddingService(registry, { ...DEFAULT_SERVE_CONFIG, ...config }),
  );
