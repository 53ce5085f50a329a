import { Context, Effect, Exit, Layer } from "effect";
import { type Embeddings, fromData, row } from "../embeddings.ts";
import type { Tokenized } from "../tokenize/tokenized.ts";
import { truncateTokens } from "../tokenize/truncate.ts";
import type { BadConfig, UnknownPipeline } from "../errors.ts";
import { ArtifactError } from "../artifact/artifact_error.ts";
import { findArtifact } from "../artifact/artifact_store.ts";
import { artifactDirs, Paths } from "../paths.ts";
import type { Services } from "../services.ts";
import {
  outputPrecision,
  reducibleDimensions,
  type Statistics,
  statisticsOf,
  unitLength,
} from "../pipeline/describe.ts";
import type { OutputPrecision } from "../stages/stage_module.ts";
import { planOf } from "../pipeline/plan.ts";
import { pipelineHash } from "../pipeline/hash.ts";
import {
  type Embedder,
  type EmbedError,
  loadPipeline,
} from "../pipeline/load.ts";
import { findPipeline } from "../pipeline/registry.ts";
import type { PipelineSpec } from "../pipeline/spec.ts";
import { validateInput } from "../pipeline/validate_input.ts";
import {
  type ClientFileBody,
  type ClientModel,
  clientModels,
} from "./client_models.ts";
import { type OrtAsset, ortAssets } from "./ort_assets.ts";
import { ServerMetrics } from "./metrics.ts";
import { microBatcher } from "./micro_batcher.ts";
import { DEFAULT_SERVE_CONFIG, type ServeConfig } from "./serve_config.ts";
import {
  InputTooLong,
  type NotPortable,
  PipelineNotServable,
  RequestTimeout,
  TooManyInputs,
  UnknownArtifact,
  type UnknownAsset,
} from "./serve_errors.ts";

/** A pipeline as `GET /v1/models` lists it. */
export interface ModelInfo {
  readonly id: string;
  readonly hash: string;
  readonly description: string;
  readonly statistics: Statistics;
  readonly reducibleDimensions: boolean;
  /** The number type of its values (int8/uint8 for quantized pipelines). */
  readonly precision: OutputPrecision;
  /** Whether its vectors are unit length. */
  readonly unitLength: boolean;
}

export interface EmbedResult {
  readonly vectors: Embeddings;
  /** Tokens embedded, prompt included (what `usage` reports). */
  readonly tokens: number;
  readonly hash: string;
  readonly precision: OutputPrecision;
}

/** Whatever finding and loading a pipeline can fail with. */
export type LoadFailure =
  | Effect.Error<ReturnType<typeof loadPipeline>>
  | UnknownPipeline
  | BadConfig
  | EmbedError;

export type EmbedFailure =
  | LoadFailure
  | EmbedError
  | PipelineNotServable
  | TooManyInputs
  | InputTooLong
  | RequestTimeout;

/**
 * Pipelines behind an HTTP server: loaded once on first use, merged into
 * micro-batches, bounded by the configured limits.
 */
export class EmbeddingService extends Context.Service<EmbeddingService, {
  readonly config: ServeConfig;
  readonly metrics: ServerMetrics;
  readonly models: ReadonlyArray<ModelInfo>;
  embed(
    model: string,
    texts: ReadonlyArray<string>,
    options?: { readonly dimensions?: number },
  ): Effect.Effect<EmbedResult, EmbedFailure>;
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
}>()("sentemb/EmbeddingService") {}

/**
 * A transductive pipeline fits its statistics on whatever it embeds, so a
 * vector would depend on which requests shared its batch; only pipelines
 * whose statistics are fixed are served.
 */
const servable = (spec: PipelineSpec) =>
  statisticsOf(planOf(spec)) !== "transductive";

interface Served {
  readonly embedder: Embedder;
  readonly submit: (tokens: ReadonlyArray<Tokenized>) => Promise<Embeddings>;
}

export const makeEmbeddingService = Effect.fn("makeEmbeddingService")(
  function* (
    registry: ReadonlyArray<PipelineSpec>,
    config: ServeConfig = DEFAULT_SERVE_CONFIG,
  ) {
    const context = yield* Effect.context<Services>();
    const metrics = new ServerMetrics();
    const models: ModelInfo[] = registry.filter(servable).map((spec) => {
      const plan = planOf(spec);
      return {
        id: spec.name,
        hash: pipelineHash(spec),
        description: spec.description,
        statistics: statisticsOf(plan),
        reducibleDimensions: reducibleDimensions(plan),
        precision: outputPrecision(plan),
        unitLength: unitLength(plan),
      };
    });
    const loading = new Map<string, Promise<Exit.Exit<Served, LoadFailure>>>();
    const serve = (embedder: Embedder): Served => {
      const run = (tokens: ReadonlyArray<Tokenized>) =>
        Effect.runPromise(embedder.embedTokens(tokens));
      if (!config.batching) {
        return {
          embedder,
          submit: (tokens) => {
            metrics.batchSize.observe(tokens.length);
            metrics.batchTokens.observe(
              tokens.reduce((s, t) => s + t.ids.length, 0),
            );
            return run(tokens);
          },
        };
      }
      const batcher = microBatcher<Tokenized, Float32Array>({
        maxBatchTokens: config.maxBatchTokens,
        maxWaitMs: config.maxWaitMs,
        cost: (t) => t.ids.length,
        run: async (tokens) => {
          const x = await run(tokens);
          return Array.from({ length: x.rows }, (_, i) => row(x, i));
        },
        onBatch: (items, tokens) => {
          metrics.batchSize.observe(items);
          metrics.batchTokens.observe(tokens);
        },
      });
      return {
        embedder,
        submit: async (tokens) => {
          const rows = await batcher.submit(tokens);
          const out = new Float32Array(rows.length * embedder.dim);
          rows.forEach((r, i) => out.set(r, i * embedder.dim));
          return fromData(rows.length, embedder.dim, out);
        },
      };
    };

    const load = (name: string): Effect.Effect<Served, LoadFailure> => {
      let pending = loading.get(name);
      if (!pending) {
        const program = Effect.gen(function* () {
          const spec = yield* findPipeline(registry, name);
          const pipeline = yield* loadPipeline(spec);
          // Non-transductive pipelines ignore what they are fitted on.
          return serve(yield* pipeline.fit(["-"]));
        });
        pending = Effect.runPromiseExit(
          Effect.provideContext(program, context),
        );
        loading.set(name, pending);
        // A failed load (files not there yet) is retried on the next request.
        pending.then((exit) => {
          if (Exit.isFailure(exit)) loading.delete(name);
        });
      }
      const p = pending;
      return Effect.flatten(Effect.promise(() => p));
    };

    const embed = (
      model: string,
      texts: ReadonlyArray<string>,
      options?: { readonly dimensions?: number },
    ): Effect.Effect<EmbedResult, EmbedFailure> =>
      Effect.gen(function* () {
        const spec = yield* findPipeline(registry, model);
        const info = models.find((m) => m.id === spec.name);
        if (!info) {
          return yield* new PipelineNotServable({
            name: model,
            reason: "its statistics are fitted on the input itself " +
              "(transductive); fit them on a corpus to serve it",
          });
        }
        if (texts.length > config.maxInputs) {
          return yield* new TooManyInputs({
            count: texts.length,
            max: config.maxInputs,
          });
        }
        const valid = yield* validateInput(texts);
        for (let i = 0; i < valid.length; i++) {
          if (valid[i].length > config.maxInputChars) {
            return yield* new InputTooLong({
              index: i,
              length: valid[i].length,
              max: config.maxInputChars,
              unit: "characters",
            });
          }
        }
        const served = yield* load(model);
        // Tokenized once: counted, checked, then embedded as they are.
        const tokenized = served.embedder.tokenize(valid);
        let tokens = 0;
        for (let i = 0; i < tokenized.length; i++) {
          const n = tokenized[i].ids.length;
          if (n > config.maxInputTokens) {
            if (config.overLength === "reject") {
              return yield* new InputTooLong({
                index: i,
                length: n,
                max: config.maxInputTokens,
                unit: "tokens",
              });
            }
            tokenized[i] = truncateTokens(tokenized[i], config.maxInputTokens);
          }
          tokens += tokenized[i].ids.length;
        }
        const dims = options?.dimensions;
        if (dims !== undefined && dims !== served.embedder.dim) {
          if (!info.reducibleDimensions || dims > served.embedder.dim) {
            return yield* new PipelineNotServable({
              name: model,
              reason: info.reducibleDimensions
                ? `dimensions must be at most ${served.embedder.dim}`
                : `its ${served.embedder.dim} dimensions cannot be reduced`,
            });
          }
        }
        let vectors = yield* Effect.tryPromise({
          try: () => served.submit(tokenized),
          // The batch ran the embedder's Effect; its typed failure comes back.
          catch: (e) => e as EmbedError,
        });
        if (dims !== undefined && dims < vectors.dim) {
          vectors = served.embedder.reduceDimensions(vectors, dims);
        }
        metrics.tokens.inc({ pipeline: model }, tokens);
        return {
          vectors,
          tokens,
          hash: info.hash,
          precision: info.precision,
        };
      }).pipe(
        Effect.timeoutOrElse({
          duration: config.timeoutMs,
          orElse: () =>
            Effect.fail(new RequestTimeout({ ms: config.timeoutMs })),
        }),
      );

    const declared = new Set(
      registry.flatMap((s) => s.artifact ? [s.artifact] : []),
    );
    const artifacts = new Map<string, Uint8Array>();
    const paths = Context.get(context, Paths);
    const clients = clientModels(
      registry,
      paths,
      (name) => Effect.map(load(name), (served) => served.embedder),
    );
    // Only hashes a pipeline declares are ever read: a client's string never
    // becomes a path.
    const artifact = (
      hash: string,
    ): Effect.Effect<Uint8Array, ArtifactError | UnknownArtifact> =>
      Effect.suspend((): Effect.Effect<
        Uint8Array,
        ArtifactError | UnknownArtifact
      > => {
        if (!declared.has(hash)) {
          return Effect.fail(new UnknownArtifact({ artifact: hash }));
        }
        const cached = artifacts.get(hash);
        if (cached) return Effect.succeed(cached);
        return Effect.try({
          try: () => {
            const bytes = Deno.readFileSync(
              findArtifact(artifactDirs(paths), hash),
            );
            artifacts.set(hash, bytes);
            return bytes;
          },
          catch: () =>
            new ArtifactError({ artifact: hash, reason: "not on this host" }),
        });
      });

    return {
      config,
      metrics,
      models,
      embed,
      portable: clients.portable,
      portableModelBytes: clients.modelBytes,
      clientModel: clients.describe,
      clientFile: clients.file,
      ortAsset: ortAssets(),
      artifact,
    } satisfies EmbeddingService["Service"];
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
