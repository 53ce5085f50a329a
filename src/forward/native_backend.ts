import * as ortModule from "onnxruntime-node";
import type { Backend, BackendOptions } from "./backend.ts";
import { ortSession } from "./ort_session.ts";

// A CommonJS package: under Deno its exports may sit on `default`.
type Ort = typeof ortModule;
const ort: Ort = (ortModule as unknown as { default?: Ort }).default ??
  ortModule;

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
    const session = await ort.InferenceSession.create(
      path,
      nativeSessionOptions(options),
    );
    return ortSession(ort.Tensor, session);
  },
});
