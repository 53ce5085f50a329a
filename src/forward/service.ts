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
  /**
   * The hidden states of a padded batch: all L + 1 by default,
   * [L + 1, batch, seq, dim]; with `states`, only those, in that order
   * (`HiddenStates.layers` names them). Each state fetched is a
   * [batch, seq, dim] copy out of the runtime, so a pipeline that reads one
   * layer fetches one.
   */
  readonly run: (
    batch: PaddedBatch,
    states?: ReadonlyArray<number>,
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
  names: ReadonlyArray<string>,
  b: PaddedBatch,
  fetched: Record<string, { data: Float32Array; dims: ReadonlyArray<number> }>,
): { data: Float32Array; dim: number } | string => {
  const first = fetched[names[0]];
  const dim = first.dims[first.dims.length - 1];
  const size = b.batch * b.seq * dim;
  for (const name of names) {
    const t = fetched[name];
    if (t.data.length !== size) {
      return `${name} has shape [${
        t.dims.join(", ")
      }], expected [${b.batch}, ${b.seq}, ${dim}]`;
    }
  }
  // One state is returned as the runtime handed it over: no second copy.
  if (names.length === 1) return { data: first.data, dim };
  const data = new Float32Array(names.length * size);
  names.forEach((name, k) => data.set(fetched[name].data, k * size));
  return { data, dim };
};

const checkBatch = (b: PaddedBatch): string | undefined =>
  b.batch < 1 || b.seq < 1
    ? `empty batch (${b.batch} x ${b.seq})`
    : b.ids.length !== b.batch * b.seq || b.mask.length !== b.batch * b.seq
    ? `ids/mask length ${b.ids.length}/${b.mask.length} do not match ${b.batch} x ${b.seq}`
    : undefined;

const checkStates = (
  states: ReadonlyArray<number> | undefined,
  count: number,
): string | undefined =>
  states === undefined
    ? undefined
    : states.length === 0
    ? "no hidden state asked for"
    : states.find((k) => !Number.isInteger(k) || k < 0 || k >= count) !==
        undefined
    ? `hidden states [${states.join(", ")}] are not all in 0..${count - 1}`
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
      const count = info.hiddenStates.length;
      const run = Effect.fn("Forward.run")(function* (
        b: PaddedBatch,
        states?: ReadonlyArray<number>,
      ) {
        const bad = checkBatch(b) ?? checkStates(states, count);
        if (bad !== undefined) return yield* fail(modelPath, bad);
        const feeds = buildFeeds(info.inputs, b);
        if (typeof feeds === "string") return yield* fail(modelPath, feeds);
        const names = states === undefined
          ? info.hiddenStates
          : states.map((k) => info.hiddenStates[k]);
        const fetched = yield* Effect.tryPromise({
          try: () => session.run(feeds, names),
          catch: (e) => fail(modelPath, String(e)),
        });
        const stacked = stack(names, b, fetched);
        if (typeof stacked === "string") {
          return yield* fail(modelPath, stacked);
        }
        return {
          count: names.length,
          batch: b.batch,
          seq: b.seq,
          dim: stacked.dim,
          data: stacked.data,
          mask: b.mask,
          ...(states === undefined ? {} : { layers: [...states] }),
        } satisfies HiddenStates;
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
