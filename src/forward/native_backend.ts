import type * as ortModule from "onnxruntime-node";
import type { Backend, BackendOptions } from "./backend.ts";
import { ortSession } from "./ort_session.ts";

type Ort = typeof ortModule;
let loading: Promise<Ort> | undefined;

/**
 * onnxruntime-node, imported on first use: importing it loads its native
 * addon, which an edge runtime does not have (and Deno allows only with
 * --allow-ffi), so a process that only ever runs WASM never touches it.
 * A CommonJS package: under Deno its exports may sit on `default`.
 */
export const loadOrtNode = (): Promise<Ort> =>
  loading ??= import("onnxruntime-node").then((m) =>
    (m as unknown as { default?: Ort }).default ?? m
  );

/**
 * The session options the native backend opens every model with. Worker
 * threads sleep between operators instead of spinning: on a machine shared
 * with other work (a server, or the 2-core bench machine at load 5–6),
 * spinning took the cycles the other intra-op thread was waiting for, and
 * BERT-base ran 6–8% slower batch for batch (`deno task bench`, issue 7).
 * Graph optimisation "all" measured as fast as "extended" or faster.
 */
export const nativeSessionOptions = (
  options: BackendOptions = {},
): ortModule.InferenceSession.SessionOptions => ({
  graphOptimizationLevel: "all",
  extra: { session: { intra_op: { allow_spinning: "0" } } },
  ...(options.threads === undefined
    ? {}
    : { intraOpNumThreads: options.threads, interOpNumThreads: 1 }),
});

/** onnxruntime-node: the native CPU runtime (an N-API addon; Deno needs --allow-ffi). */
export const nativeBackend = (options: BackendOptions = {}): Backend => ({
  name: "native",
  async open(path) {
    const ort = await loadOrtNode();
    const session = await ort.InferenceSession.create(
      path,
      nativeSessionOptions(options),
    );
    return ortSession(ort.Tensor, session);
  },
});
