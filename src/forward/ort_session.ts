import type { BackendSession, FeedTensor, FetchedTensor } from "./backend.ts";

/** The part of an ONNX Runtime session the wrapper uses. */
export interface OrtSessionLike<T> {
  readonly outputNames: ReadonlyArray<string>;
  run(
    feeds: Record<string, T>,
    fetches: string[],
  ): Promise<Record<string, { data: unknown; dims: ReadonlyArray<number> }>>;
  release(): Promise<void>;
}

/** An ONNX Runtime `Tensor` constructor, as all its flavours share it. */
export type OrtTensorClass<T> = new (
  type: FeedTensor["type"],
  data: FeedTensor["data"],
  dims: number[],
) => T;

/**
 * A session of any ONNX Runtime flavour (onnxruntime-node, onnxruntime-web
 * on Deno or loaded by a browser page) as a backend session: they share
 * onnxruntime-common's API, so one wrapper serves them all.
 */
export const ortSession = <T>(
  Tensor: OrtTensorClass<T>,
  session: OrtSessionLike<T>,
): BackendSession => ({
  outputs: session.outputNames,
  async run(feeds, fetches) {
    const inputs: Record<string, T> = {};
    for (const [name, t] of Object.entries(feeds)) {
      inputs[name] = new Tensor(t.type, t.data, [...t.dims]);
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
});
