import * as ort from "onnxruntime-web";
import type { Backend, BackendOptions, FetchedTensor } from "./backend.ts";

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

/** onnxruntime-web on its WASM execution provider: no native addon, the edge's runtime. */
export const wasmBackend = (options: BackendOptions = {}): Backend => ({
  name: "wasm",
  async open(path) {
    ort.env.wasm.wasmPaths = localWasmPaths();
    if (options.threads !== undefined) {
      ort.env.wasm.numThreads = options.threads;
    }
    const bytes = await Deno.readFile(path);
    const session = await ort.InferenceSession.create(bytes, {
      executionProviders: ["wasm"],
      graphOptimizationLevel: "all",
    });
    return {
      async run(feeds, fetches) {
        const inputs: Record<string, ort.Tensor> = {};
        for (const [name, t] of Object.entries(feeds)) {
          inputs[name] = new ort.Tensor(t.type, t.data, [...t.dims]);
        }
        const out = await session.run(inputs, [...fetches]);
        const result: Record<string, FetchedTensor> = {};
        for (const name of fetches) {
          result[name] = {
            data: out[name].data as Float32Array,
            dims: out[name].dims,
          };
        }
        return result;
      },
      release: () => session.release(),
    };
  },
});
