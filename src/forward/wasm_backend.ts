import type * as OrtWeb from "onnxruntime-web";
import type { Backend, BackendOptions } from "./backend.ts";
import { ortSession } from "./ort_session.ts";

let loading: Promise<typeof OrtWeb> | undefined;

/**
 * onnxruntime-web, imported on first use: a server that only runs static
 * pipelines never loads it, and its first vector comes that much sooner
 * (`bench/cold_start.ts`).
 */
const loadOrtWeb = (): Promise<typeof OrtWeb> =>
  loading ??= import("onnxruntime-web");

/**
 * The folder holding onnxruntime-web's `.wasm` files inside the installed
 * package, as a file URL: the runtime must never fetch them from a CDN.
 * Deno resolves the package (its `node` export) to `dist/ort.node.min.mjs`.
 */
export const localWasmPaths = (): string => {
  const entry = import.meta.resolve("onnxruntime-web");
  if (!entry.startsWith("file:")) {
    throw new Error(
      `onnxruntime-web resolved to ${entry}; install it into node_modules (nodeModulesDir) so its wasm files are local`,
    );
  }
  return new URL(".", entry).href;
};

/**
 * The WASM thread count: `options.threads`, else every core, as
 * onnxruntime-node's default uses. Left to itself onnxruntime-web picks 1
 * thread in Deno (its `crossOriginIsolated` is undefined, which the runtime
 * reads as a page without isolation) and at most 4 elsewhere.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { wasmThreads } from "./wasm_backend.ts";
 * assert.equal(wasmThreads({ threads: 1 }), 1);
 * assert.equal(wasmThreads(), navigator.hardwareConcurrency);
 * ```
 */
export const wasmThreads = (options: BackendOptions = {}): number =>
  options.threads ?? navigator.hardwareConcurrency;

/** onnxruntime-web on its WASM execution provider: no native addon, the edge's runtime. */
export const wasmBackend = (options: BackendOptions = {}): Backend => ({
  name: "wasm",
  async open(path) {
    const ort = await loadOrtWeb();
    ort.env.wasm.wasmPaths = localWasmPaths();
    // Read once, when the first session starts the runtime.
    ort.env.wasm.numThreads = wasmThreads(options);
    const bytes = await Deno.readFile(path);
    const session = await ort.InferenceSession.create(bytes, {
      executionProviders: ["wasm"],
      graphOptimizationLevel: "all",
    });
    return ortSession(ort.Tensor, session);
  },
});
