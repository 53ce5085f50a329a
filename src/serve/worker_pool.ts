import type { BackendName } from "../forward/backend.ts";
import type { Paths } from "../paths.ts";
import type { PipelineSpec } from "../pipeline/spec.ts";
import type { EmbedOptions, ServedPipeline } from "./embed_request.ts";
import type { WorkerMessage, WorkerReply } from "./worker_messages.ts";
import type { ServeConfig } from "./serve_config.ts";

/** A worker's answer to an embedding request. */
export type Ok = Extract<WorkerReply, { ok: unknown }>["ok"];

/** A worker's failure: the typed error's fields, and whether loading failed. */
export interface PoolFailure {
  readonly error: Record<string, unknown>;
  readonly loadFailed: boolean;
}

/**
 * Deno Workers that run requests off the event loop, so the server keeps
 * answering (`/healthz`, other pipelines) while one embeds. Each worker
 * loads the pipelines it is asked for (its own ONNX sessions: memory grows
 * with the pool); a request goes to the worker with the fewest in flight.
 */
export interface WorkerPool {
  /** The number of workers. */
  readonly size: number;
  /**
   * Whether a worker has loaded its modules: until then (a cold start) the
   * service may answer on the event loop what is cheap to load there.
   */
  ready(): boolean;
  /** Runs one request; rejects with a {@link PoolFailure}. */
  embed(
    model: string,
    texts: ReadonlyArray<string>,
    options: EmbedOptions,
    served: ServedPipeline,
  ): Promise<Ok>;
  /** Loads a pipeline in every worker; the dimension, or a PoolFailure. */
  load(model: string): Promise<number>;
  /** Stops every worker. */
  close(): void;
}

/** Workers by default: one per core, less one for the event loop, at least one. */
export const defaultPoolSize = (): number =>
  Math.max(1, (navigator.hardwareConcurrency ?? 2) - 1);

export const workerPool = (
  size: number,
  init: {
    readonly registry: ReadonlyArray<PipelineSpec>;
    readonly paths: Paths["Service"];
    readonly backend: BackendName;
    readonly config: ServeConfig;
  },
): WorkerPool => {
  let next = 0;
  let readyWorkers = 0;
  const pending = new Map<
    number,
    { resolve: (ok: Ok) => void; reject: (f: PoolFailure) => void }
  >();
  interface Slot {
    worker: Worker;
    readonly inFlight: Set<number>;
  }
  // A worker that fails fails its requests and is replaced by a fresh one.
  const start = (slot: Slot): Worker => {
    const worker = new Worker(
      new URL("./embed_worker.ts", import.meta.url).href,
      { type: "module" },
    );
    worker.onmessage = (event: MessageEvent<WorkerReply>) => {
      const reply = event.data;
      if ("ready" in reply) {
        readyWorkers++;
        return;
      }
      slot.inFlight.delete(reply.id);
      const p = pending.get(reply.id);
      pending.delete(reply.id);
      if (!p) return;
      if ("ok" in reply) p.resolve(reply.ok);
      else p.reject({ error: reply.error, loadFailed: reply.loadFailed });
    };
    worker.onerror = (event) => {
      event.preventDefault();
      console.error(`embedding worker failed: ${event.message}`);
      for (const id of slot.inFlight) {
        pending.get(id)?.reject({
          error: { message: "an embedding worker failed" },
          loadFailed: false,
        });
        pending.delete(id);
      }
      slot.inFlight.clear();
      worker.terminate();
      if (!closed) slot.worker = start(slot);
    };
    worker.postMessage({ type: "init", ...init } satisfies WorkerMessage);
    return worker;
  };
  let closed = false;
  const workers: Slot[] = Array.from({ length: size }, () => {
    const slot = { inFlight: new Set<number>() } as Slot;
    slot.worker = start(slot);
    return slot;
  });
  const send = (
    slot: (typeof workers)[number],
    message: (id: number) => WorkerMessage,
  ) =>
    new Promise<Ok>((resolve, reject) => {
      const id = next++;
      pending.set(id, { resolve, reject });
      slot.inFlight.add(id);
      slot.worker.postMessage(message(id));
    });
  return {
    size,
    ready: () => readyWorkers > 0,
    embed: (model, texts, options, served) => {
      const slot = workers.reduce((a, b) =>
        b.inFlight.size < a.inFlight.size ? b : a
      );
      return send(slot, (id) => ({
        type: "embed",
        id,
        model,
        texts,
        options,
        served,
      }));
    },
    load: async (model) => {
      const all = await Promise.all(
        workers.map((w) => send(w, (id) => ({ type: "load", id, model }))),
      );
      return all[0].fullDim;
    },
    close: () => {
      closed = true;
      workers.forEach((w) => w.worker.terminate());
    },
  };
};
