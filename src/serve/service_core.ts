import { Effect, Exit } from "effect";
import { type Embeddings, fromData, row } from "../embeddings.ts";
import type { Tokenized } from "../tokenize/tokenized.ts";
import type { ArtifactError } from "../artifact/artifact_error.ts";
import {
  outputPrecision,
  reducibleDimensions,
  statisticsOf,
  unitLength,
} from "../pipeline/describe.ts";
import { planOf } from "../pipeline/plan.ts";
import { pipelineHash } from "../pipeline/hash.ts";
import type { Embedder } from "../pipeline/embedder.ts";
import { findPipeline } from "../pipeline/registry.ts";
import type { PipelineSpec } from "../pipeline/spec.ts";
import { validateInput } from "../pipeline/validate_input.ts";
import type { ClientFileBody, ClientModel } from "./client_models.ts";
import type {
  Availability,
  EmbeddingServiceShape,
  EmbedFailure,
  EmbedResult,
  LoadFailure,
  ModelInfo,
} from "./embedding_service.ts";
import type { OrtAsset } from "./ort_assets.ts";
import { ServerMetrics } from "./metrics.ts";
import { microBatcher } from "./micro_batcher.ts";
import type { ServeConfig } from "./serve_config.ts";
import { type EmbedOptions, embedRequest } from "./embed_request.ts";
import type { PoolFailure, WorkerPool } from "./worker_pool.ts";
import {
  controlCharacter,
  InputTooLong,
  InvalidCharacters,
  type NotPortable,
  Overloaded,
  PipelineNotServable,
  RequestTimeout,
  RequestTooLong,
  TooManyInputs,
  UnknownArtifact,
  type UnknownAsset,
} from "./serve_errors.ts";

/**
 * Where a service's pipelines and files come from: the server's host
 * (files through `Paths`) or what a runtime without a filesystem was given
 * (`portable_service.ts`). Everything else, limits, batching, queues and
 * deadlines, is {@link serviceCore}'s and the same for both.
 */
export interface ServiceHost {
  /** Loads a pipeline and fits it into an embedder. */
  load(spec: PipelineSpec): Effect.Effect<Embedder, LoadFailure>;
  /** The client routes, over the core's cached loader. */
  clients(load: (name: string) => Effect.Effect<Embedder, LoadFailure>): {
    readonly portable: ReadonlyArray<PipelineSpec>;
    readonly modelBytes: ReadonlyMap<string, number>;
    describe(
      name: string,
    ): Effect.Effect<ClientModel, LoadFailure | NotPortable>;
    file(
      name: string,
      role: string,
    ): Effect.Effect<ClientFileBody, LoadFailure | NotPortable>;
  };
  /** onnxruntime-web's browser files. */
  ortAsset(name: string): Effect.Effect<OrtAsset, UnknownAsset>;
  /** A declared artifact's bytes (the core checks the hash is declared). */
  artifact(hash: string): Effect.Effect<Uint8Array, ArtifactError>;
}

/**
 * A transductive pipeline fits its statistics on whatever it embeds, so a
 * vector would depend on which requests shared its batch; only pipelines
 * whose statistics are fixed are served.
 */
export const servable = (spec: PipelineSpec): boolean =>
  statisticsOf(planOf(spec)) !== "transductive";

interface Served {
  readonly embedder: Embedder;
  readonly submit: (tokens: ReadonlyArray<Tokenized>) => Promise<Embeddings>;
}

/**
 * The embedding service over a registry and a {@link ServiceHost}: loaded
 * once on first use, merged into micro-batches, bounded by the configured
 * limits; with a pool, requests embed in its workers.
 */
export const serviceCore = (
  registry: ReadonlyArray<PipelineSpec>,
  config: ServeConfig,
  host: ServiceHost,
  pool?: WorkerPool,
): EmbeddingServiceShape => {
  const metrics = new ServerMetrics();
  // Pipelines whose resources are too large to load twice (a transformer
  // session, a word-vector file, a model's embeddings): on a pool they
  // only ever load in its workers. Random vectors are a hash away.
  const heavy = new Set(
    registry.filter((spec) => planOf(spec).vectors._tag !== "randomVectors")
      .map((spec) => spec.name),
  );
  const models: ModelInfo[] = registry.filter(servable).map((spec) => {
    const plan = planOf(spec);
    const precision = outputPrecision(plan);
    const ends = unitLength(plan);
    const normalizedHere = precision === "float32" && !ends &&
      spec.rawVectors !== true;
    return {
      id: spec.name,
      hash: pipelineHash(spec),
      description: spec.description,
      statistics: statisticsOf(plan),
      reducibleDimensions: reducibleDimensions(plan),
      precision,
      unitLength: ends || normalizedHere,
      normalizedHere,
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
        return serve(yield* host.load(spec));
      });
      pending = Effect.runPromiseExit(program);
      loading.set(name, pending);
      // A failed load (files not there yet) is retried on the next request.
      pending.then((exit) => {
        if (Exit.isFailure(exit)) loading.delete(name);
      });
    }
    const p = pending;
    return Effect.flatten(Effect.promise(() => p));
  };

  // What each pipeline's last load attempt says: the route listing shows it.
  const state = new Map<
    string,
    | { readonly status: "loading" }
    | { readonly status: "ready"; dim: number }
    | {
      readonly status: "unavailable";
      readonly tag: string;
    }
  >();
  const track = (
    name: string,
    effect: Effect.Effect<Served, LoadFailure>,
  ): Effect.Effect<Served, LoadFailure> =>
    Effect.suspend(() => {
      if (state.get(name)?.status !== "ready") {
        state.set(name, { status: "loading" });
      }
      return effect.pipe(
        Effect.tap((served) =>
          Effect.sync(() =>
            state.set(name, { status: "ready", dim: served.embedder.dim })
          )
        ),
        Effect.tapError((e) =>
          Effect.sync(() =>
            state.set(name, {
              status: "unavailable",
              tag: (e as { _tag?: string })._tag ?? "Unknown",
            })
          )
        ),
      );
    });
  const availability = (id: string): Availability => {
    const s = state.get(id);
    if (!s) return { availability: "not_loaded", dimensions: null };
    if (s.status === "ready") {
      return { availability: "ready", dimensions: s.dim };
    }
    if (s.status === "loading") {
      return { availability: "loading", dimensions: null };
    }
    return { availability: "unavailable", dimensions: null, reason: s.tag };
  };
  // In the pool, a pipeline is as available as its workers say.
  const poolFailed = (name: string, f: PoolFailure) => {
    if (f.loadFailed) {
      state.set(name, {
        status: "unavailable",
        tag: String(f.error._tag ?? "Unknown"),
      });
    }
    return f.error as unknown as EmbedFailure;
  };
  const warm = pool
    ? Effect.forEach(models, (m) =>
      Effect.promise(() => {
        state.set(m.id, { status: "loading" });
        return pool.load(m.id).then(
          (dim) => state.set(m.id, { status: "ready", dim }),
          (f: PoolFailure) => poolFailed(m.id, f),
        );
      }), { discard: true })
    : Effect.forEach(
      models,
      (m) => Effect.exit(track(m.id, load(m.id))),
      { discard: true },
    );

  // Requests each pipeline holds now, running or waiting.
  const held = new Map<string, number>();

  const embed = (
    model: string,
    texts: ReadonlyArray<string>,
    options: EmbedOptions = {},
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
      // Every character limit before anything is tokenized.
      let chars = 0;
      for (let i = 0; i < valid.length; i++) {
        chars += valid[i].length;
        if (valid[i].length > config.maxInputChars) {
          return yield* new InputTooLong({
            index: i,
            length: valid[i].length,
            max: config.maxInputChars,
            unit: "characters",
          });
        }
        const bad = controlCharacter(valid[i]);
        if (bad) return yield* new InvalidCharacters({ index: i, ...bad });
      }
      if (chars > config.maxRequestChars) {
        return yield* new RequestTooLong({
          length: chars,
          max: config.maxRequestChars,
        });
      }
      const queued = held.get(model) ?? 0;
      if (queued >= config.maxQueue) {
        metrics.rejected.inc({ pipeline: model });
        return yield* new Overloaded({ model, retryAfter: 1 });
      }
      held.set(model, queued + 1);
      return yield* Effect.ensuring(
        run(model, info, valid, options),
        Effect.sync(() => held.set(model, (held.get(model) ?? 1) - 1)),
      );
    }).pipe(
      Effect.timeoutOrElse({
        duration: config.timeoutMs,
        orElse: () => Effect.fail(new RequestTimeout({ ms: config.timeoutMs })),
      }),
    );

  const run = (
    model: string,
    info: ModelInfo,
    valid: ReadonlyArray<string>,
    options: EmbedOptions,
  ): Effect.Effect<EmbedResult, EmbedFailure> =>
    Effect.gen(function* () {
      // A cold start: until a worker has loaded its modules, a pipeline
      // without a transformer (cheap to load twice) answers here.
      if (pool && (pool.ready() || heavy.has(model))) {
        if (state.get(model)?.status !== "ready") {
          state.set(model, { status: "loading" });
        }
        const ok = yield* Effect.tryPromise({
          try: () => pool.embed(model, valid, options, info),
          catch: (f) => poolFailed(model, f as PoolFailure),
        });
        state.set(model, { status: "ready", dim: ok.fullDim });
        metrics.tokens.inc({ pipeline: model }, ok.tokens);
        if (ok.truncated > 0) {
          metrics.truncated.inc({ pipeline: model }, ok.truncated);
        }
        return {
          vectors: fromData(ok.rows, ok.dim, ok.data),
          tokens: ok.tokens,
          truncated: ok.truncated,
          ...(ok.scores ? { scores: ok.scores } : {}),
          hash: info.hash,
          precision: info.precision,
        };
      }
      const served = yield* track(model, load(model));
      const out = yield* embedRequest(
        served.embedder,
        served.submit,
        info,
        valid,
        options,
        config,
      );
      metrics.tokens.inc({ pipeline: model }, out.tokens);
      if (out.truncated > 0) {
        metrics.truncated.inc({ pipeline: model }, out.truncated);
      }
      return { ...out, hash: info.hash, precision: info.precision };
    });

  const declared = new Set(
    registry.flatMap((s) => s.artifact ? [s.artifact] : []),
  );
  const artifacts = new Map<string, Uint8Array>();
  const clients = host.clients(
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
      return Effect.tap(
        host.artifact(hash),
        (bytes) => Effect.sync(() => artifacts.set(hash, bytes)),
      );
    });

  return {
    config,
    metrics,
    models,
    embed,
    availability,
    warm,
    portable: clients.portable,
    portableModelBytes: clients.modelBytes,
    clientModel: clients.describe,
    clientFile: clients.file,
    ortAsset: host.ortAsset,
    artifact,
  };
};
