import * as ortModule from "onnxruntime-node";
import type { Backend, BackendOptions, FetchedTensor } from "./backend.ts";

// A CommonJS package: under Deno its exports may sit on `default`.
type Ort = typeof ortModule;
const ort: Ort = (ortModule as unknown as { default?: Ort }).default ??
  ortModule;

/** onnxruntime-node: the native CPU runtime (an N-API addon; Deno needs --allow-ffi). */
export const nativeBackend = (options: BackendOptions = {}): Backend => ({
  name: "native",
  async open(path) {
    const session = await ort.InferenceSession.create(path, {
      graphOptimizationLevel: "all",
      ...(options.threads === undefined
        ? {}
        : { intraOpNumThreads: options.threads, interOpNumThreads: 1 }),
    });
    return {
      async run(feeds, fetches) {
        const inputs: Record<string, ortModule.Tensor> = {};
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
