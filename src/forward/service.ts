import { Context, Effect, Layer, type Scope, Semaphore } from "effect";
import type { MissingModelFiles } from "../errors.ts";
import type { CacheNotWritable } from "../onnx/cache_dir.ts";
import type { LayersNotFound, OnnxParseError } from "../onnx/rewrite/errors.ts";
import { rewriteModelFile } from "../onnx/rewrite/rewrite_file.ts";
import type {
  Backend,
  BackendName,
  BackendOptions,
  BackendSession,
} from "./backend.ts";
import { ForwardFailed } from "./errors.ts";
import {
  type ForwardModel,
  forwardModel,
  stateNames,
} from "./forward_model.ts";
import { nativeBackend } from "./native_backend.ts";
import { wasmBackend } from "./wasm_backend.ts";

export type { ForwardModel } from "./forward_model.ts";

/** The failures of loading a model file into a forward session. */
export type LoadError =
  | MissingModelFiles
  | CacheNotWritable
  | OnnxParseError
  | LayersNotFound
  | ForwardFailed;

/** What a caller of `Forward.load` may say about what it will read. */
export interface LoadOptions {
  /**
   * Only the last hidden state will be read. Where the model's own graph
   * outputs it as `last_hidden_state` (Hugging Face's `hidden_states[-1]`,
   * which the rewrite's last state equals), that graph is opened instead of
   * the rewritten one: without the rewrite's extra outputs it ran 2–5%
   * faster on BERT-base (issue 7). A run that asks for other states opens
   * the rewritten graph then.
   */
  readonly finalOnly?: boolean;
}

/** What the {@link Forward} service provides. */
export interface ForwardShape {
  /** The ONNX Runtime flavour the sessions run on. */
  readonly backend: BackendName;
  /** Opens a model file (rewritten to expose its hidden states) for the life of the layer. */
  readonly load: (
    modelPath: string,
    options?: LoadOptions,
  ) => Effect.Effect<ForwardModel, LoadError>;
}

/** The service key base of {@link Forward}. */
export const ForwardBase: Context.ServiceClass<
  Forward,
  "sentemb/Forward",
  ForwardShape
> = Context.Service<Forward, ForwardShape>()("sentemb/Forward");

/**
 * The forward stage: turns a model's ONNX file into every hidden state of a
 * batch. `load` rewrites the graph (cached on disk) and opens a session per
 * model file for the life of the layer (two at most: the rewritten graph,
 * and the file itself for final-state-only callers); later loads of the
 * same file reuse them.
 */
export class Forward extends ForwardBase {}

// The output a model's own graph gives its last hidden state under.
const FINAL_OUTPUT = "last_hidden_state";

/** A loaded model file and the sessions opened on it so far. */
interface Entry {
  readonly model: ForwardModel;
  rewritten?: BackendSession;
  /** The file's own graph; null once it proved not to output `last_hidden_state`. */
  source?: BackendSession | null;
}

/** Builds the service over one runtime. */
export const makeForward = (
  backend: Backend,
): Effect.Effect<Forward["Service"], never, Scope.Scope> =>
  Effect.gen(function* () {
    const entries = new Map<string, Entry>();
    const lock = yield* Semaphore.make(1);
    yield* Effect.addFinalizer(() =>
      Effect.promise(() =>
        Promise.all(
          [...entries.values()].flatMap((e) =>
            [e.rewritten, e.source].filter((s) => s != null).map((s) =>
              s.release()
            )
          ),
        )
      )
    );
    const fail = (model: string, reason: string) =>
      new ForwardFailed({ model, backend: backend.name, reason });
    const openSession = (modelPath: string, file: string) =>
      Effect.tryPromise({
        try: () => backend.open(file),
        catch: (e) => fail(modelPath, `cannot create a session: ${String(e)}`),
      });

    // Both run under `lock`, so each session is opened once.
    const ensureRewritten = Effect.fn("Forward.openRewritten")(function* (
      modelPath: string,
      e: Entry,
    ) {
      e.rewritten ??= yield* openSession(modelPath, e.model.info.path);
      return e.rewritten;
    });
    const ensureSource = Effect.fn("Forward.openSource")(function* (
      modelPath: string,
      e: Entry,
    ) {
      if (e.source !== undefined) return;
      const session = yield* openSession(modelPath, modelPath);
      if (session.outputs.includes(FINAL_OUTPUT)) e.source = session;
      else {
        e.source = null;
        yield* Effect.promise(() => session.release());
      }
    });

    const create = Effect.fn("Forward.open")(function* (modelPath: string) {
      const info = yield* rewriteModelFile(modelPath);
      const final = info.hiddenStates.length - 1;
      const entry: Entry = {
        model: forwardModel(
          info,
          (reason) => fail(modelPath, reason),
          (states) =>
            entry.source != null && states?.length === 1 &&
              states[0] === final
              ? Effect.succeed({ session: entry.source, names: [FINAL_OUTPUT] })
              : Effect.map(
                entry.rewritten === undefined
                  ? lock.withPermits(1)(ensureRewritten(modelPath, entry))
                  : Effect.succeed(entry.rewritten),
                (session) => ({ session, names: stateNames(info, states) }),
              ),
        ),
      };
      return entry;
    });

    return Forward.of({
      backend: backend.name,
      load: (modelPath, options = {}) =>
        lock.withPermits(1)(Effect.gen(function* () {
          const entry = entries.get(modelPath) ?? (yield* create(modelPath));
          // With the rewritten graph already open, it serves every state.
          const own = options.finalOnly === true &&
            entry.rewritten === undefined;
          if (own) yield* ensureSource(modelPath, entry);
          if (!own || entry.source === null) {
            yield* ensureRewritten(modelPath, entry);
          }
          entries.set(modelPath, entry);
          return entry.model;
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
