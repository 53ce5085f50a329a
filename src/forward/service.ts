import { Context, Effect, Layer, Semaphore } from "effect";
import type { MissingModelFiles } from "../errors.ts";
import type { LayersNotFound, OnnxParseError } from "../onnx/rewrite/errors.ts";
import {
  rewriteModelFile,
  type RewrittenModel,
} from "../onnx/rewrite/rewrite_file.ts";
import type {
  Backend,
  BackendName,
  BackendOptions,
  BackendSession,
} from "./backend.ts";
import type { PaddedBatch } from "./batch.ts";
import { ForwardFailed } from "./errors.ts";
import { buildFeeds } from "./feeds.ts";
import type { HiddenStates } from "./hidden_states.ts";
import { nativeBackend } from "./native_backend.ts";
import { wasmBackend } from "./wasm_backend.ts";

/** A model ready to run: its rewritten graph open in one session. */
export interface ForwardModel {
  readonly info: RewrittenModel;
  /** All L + 1 hidden states of a padded batch, [L + 1, batch, seq, dim]. */
  readonly run: (
    batch: PaddedBatch,
  ) => Effect.Effect<HiddenStates, ForwardFailed>;
}

export type LoadError =
  | MissingModelFiles
  | OnnxParseError
  | LayersNotFound
  | ForwardFailed;

/**
 * The forward stage: turns a model's ONNX file into every hidden state of a
 * batch. `load` rewrites the graph (cached on disk) and opens one session
 * per model file for the life of the layer; later loads of the same file
 * reuse it.
 */
export class Forward extends Context.Service<Forward, {
  readonly backend: BackendName;
  readonly load: (modelPath: string) => Effect.Effect<ForwardModel, LoadError>;
}>()("sentemb/Forward") {}

const stack = (
  info: RewrittenModel,
  b: PaddedBatch,
  fetched: Record<string, { data: Float32Array; dims: ReadonlyArray<number> }>,
): HiddenStates | string => {
  const first = fetched[info.hiddenStates[0]];
  const dim = first.dims[first.dims.length - 1];
  const size = b.batch * b.seq * dim;
  const data = new Float32Array(info.hiddenStates.length * size);
  for (const [k, name] of info.hiddenStates.entries()) {
    const t = fetched[name];
    if (t.data.length !== size) {
      return `${name} has shape [${
        t.dims.join(", ")
      }], expected [${b.batch}, ${b.seq}, ${dim}]`;
    }
    data.set(t.data, k * size);
  }
  return {
    count: info.hiddenStates.length,
    batch: b.batch,
    seq: b.seq,
    dim,
    data,
    mask: b.mask,
  };
};

const checkBatch = (b: PaddedBatch): string | undefined =>
  b.batch < 1 || b.seq < 1
    ? `empty batch (${b.batch} x ${b.seq})`
    : b.ids.length !== b.batch * b.seq || b.mask.length !== b.batch * b.seq
    ? `ids/mask length ${b.ids.length}/${b.mask.length} do not match ${b.batch} x ${b.seq}`
    : undefined;

/** Builds the service over one runtime. */
export const makeForward = (backend: Backend) =>
  Effect.gen(function* () {
    const sessions = new Map<
      string,
      { model: ForwardModel; session: BackendSession }
    >();
    const lock = yield* Semaphore.make(1);
    yield* Effect.addFinalizer(() =>
      Effect.promise(() =>
        Promise.all([...sessions.values()].map((s) => s.session.release()))
      )
    );
    const fail = (model: string, reason: string) =>
      new ForwardFailed({ model, backend: backend.name, reason });

    const open = Effect.fn("Forward.open")(function* (modelPath: string) {
      const info = yield* rewriteModelFile(modelPath);
      const session = yield* Effect.tryPromise({
        try: () => backend.open(info.path),
        catch: (e) => fail(modelPath, `cannot create a session: ${String(e)}`),
      });
      const run = Effect.fn("Forward.run")(function* (b: PaddedBatch) {
        const bad = checkBatch(b);
        if (bad !== undefined) return yield* fail(modelPath, bad);
        const feeds = buildFeeds(info.inputs, b);
        if (typeof feeds === "string") return yield* fail(modelPath, feeds);
        const fetched = yield* Effect.tryPromise({
          try: () => session.run(feeds, info.hiddenStates),
          catch: (e) => fail(modelPath, String(e)),
        });
        const states = stack(info, b, fetched);
        return typeof states === "string"
          ? yield* fail(modelPath, states)
          : states;
      });
      const model: ForwardModel = { info, run };
      sessions.set(modelPath, { model, session });
      return model;
    });

    return Forward.of({
      backend: backend.name,
      load: (modelPath) =>
        lock.withPermits(1)(Effect.suspend(() => {
          const known = sessions.get(modelPath);
          return known === undefined
            ? open(modelPath)
            : Effect.succeed(known.model);
        })),
    });
  });

/** The forward stage on a runtime by name. */
export const forwardLayer = (
  name: BackendName,
  options: BackendOptions = {},
): Layer.Layer<Forward> =>
  Layer.effect(
    Forward,
    makeForward(
      name === "native" ? nativeBackend(options) : wasmBackend(options),
    ),
  );

/** onnxruntime-node: the default on a server. */
export const ForwardNative: Layer.Layer<Forward> = forwardLayer("native");

/** onnxruntime-web on WASM: the edge (no native addon). */
export const ForwardWasm: Layer.Layer<Forward> = forwardLayer("wasm");
