/// <reference no-default-lib="true" />
/// <reference lib="deno.worker" />
/**
 * A worker of the embedding pool: loads pipelines on first use and runs
 * whole requests (tokenize, limits, embed, scores) off the server's event
 * loop. Started by {@link ./worker_pool.ts}.
 */
import { Effect, Exit, ManagedRuntime } from "effect";
import type { Embedder } from "../pipeline/load.ts";
import { loadPipeline } from "../pipeline/load.ts";
import { findPipeline } from "../pipeline/registry.ts";
import type { PipelineSpec } from "../pipeline/spec.ts";
import { servicesLayer } from "../services.ts";
import { embedRequest } from "./embed_request.ts";
import type { ServeConfig } from "./serve_config.ts";
import type { WorkerMessage, WorkerReply } from "./worker_messages.ts";

export type { WorkerMessage, WorkerReply } from "./worker_messages.ts";

let runtime: ManagedRuntime.ManagedRuntime<never, never> | undefined;
let registry: ReadonlyArray<PipelineSpec> = [];
let config: ServeConfig | undefined;
const loaded = new Map<string, Promise<Exit.Exit<Embedder, unknown>>>();

const plain = (e: unknown): Record<string, unknown> => {
  if (e === null || typeof e !== "object") return { message: String(e) };
  const o = e as Record<string, unknown> & { message?: string };
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (v === null || ["string", "number", "boolean"].includes(typeof v)) {
      out[k] = v;
    }
  }
  out._tag = o._tag;
  out.message = o.message;
  return out;
};

const load = (model: string): Promise<Exit.Exit<Embedder, unknown>> => {
  let pending = loaded.get(model);
  if (!pending) {
    pending = runtime!.runPromiseExit(Effect.gen(function* () {
      const spec = yield* findPipeline(registry, model);
      const pipeline = yield* loadPipeline(spec);
      return yield* pipeline.fit(["-"]);
    }) as Effect.Effect<Embedder, unknown>);
    loaded.set(model, pending);
    pending.then((exit) => {
      if (Exit.isFailure(exit)) loaded.delete(model);
    });
  }
  return pending;
};

const failureOf = (exit: Exit.Exit<unknown, unknown>): unknown => {
  if (Exit.isSuccess(exit)) return undefined;
  const reason = exit.cause.reasons[0];
  return reason && "error" in reason ? reason.error : reason;
};

self.onmessage = async (event: MessageEvent<WorkerMessage>) => {
  const msg = event.data;
  if (msg.type === "init") {
    registry = msg.registry;
    config = msg.config;
    runtime = ManagedRuntime.make(
      servicesLayer(msg.paths, msg.backend),
    ) as unknown as ManagedRuntime.ManagedRuntime<never, never>;
    self.postMessage({ ready: true } satisfies WorkerReply);
    return;
  }
  const exit = await load(msg.model);
  if (Exit.isFailure(exit)) {
    self.postMessage(
      {
        id: msg.id,
        error: plain(failureOf(exit)),
        loadFailed: true,
      } satisfies WorkerReply,
    );
    return;
  }
  const embedder = exit.value;
  if (msg.type === "load") {
    self.postMessage(
      {
        id: msg.id,
        ok: {
          rows: 0,
          dim: embedder.dim,
          data: new Float32Array(),
          tokens: 0,
          truncated: 0,
          fullDim: embedder.dim,
        },
      } satisfies WorkerReply,
    );
    return;
  }
  const result = await Effect.runPromiseExit(
    embedRequest(
      embedder,
      (tokens) => Effect.runPromise(embedder.embedTokens(tokens)),
      msg.served,
      msg.texts,
      msg.options,
      config!,
    ),
  );
  if (Exit.isFailure(result)) {
    self.postMessage(
      {
        id: msg.id,
        error: plain(failureOf(result)),
        loadFailed: false,
      } satisfies WorkerReply,
    );
    return;
  }
  const v = result.value;
  const data = v.vectors.data.slice();
  const transfer: Transferable[] = [data.buffer];
  if (v.scores) transfer.push(v.scores.buffer as ArrayBuffer);
  self.postMessage(
    {
      id: msg.id,
      ok: {
        rows: v.vectors.rows,
        dim: v.vectors.dim,
        data,
        tokens: v.tokens,
        truncated: v.truncated,
        ...(v.scores ? { scores: v.scores } : {}),
        fullDim: embedder.dim,
      },
    } satisfies WorkerReply,
    transfer,
  );
};
