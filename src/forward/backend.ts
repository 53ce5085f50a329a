/** A tensor as both runtimes take it, before it becomes a runtime's own `Tensor`. */
export interface FeedTensor {
  /** The element type. */
  readonly type: "int64" | "float32";
  /** The values, row-major. */
  readonly data: BigInt64Array | Float32Array;
  /** The shape. */
  readonly dims: ReadonlyArray<number>;
}

/** A fetched float tensor. */
export interface FetchedTensor {
  /** The values, row-major. */
  readonly data: Float32Array;
  /** The shape. */
  readonly dims: ReadonlyArray<number>;
}

/** One loaded model on one runtime. */
export interface BackendSession {
  /** The graph's output names. */
  readonly outputs: ReadonlyArray<string>;
  /** Runs the graph on `feeds` and returns the `fetches` outputs. */
  run(
    feeds: Readonly<Record<string, FeedTensor>>,
    fetches: ReadonlyArray<string>,
  ): Promise<Record<string, FetchedTensor>>;
  /** Frees the session. */
  release(): Promise<void>;
}

/** An ONNX Runtime flavour: `native` (onnxruntime-node) or `wasm` (onnxruntime-web). */
export type BackendName = "native" | "wasm";

/** An ONNX Runtime flavour: opens a model file into a session. */
export interface Backend {
  readonly name: BackendName;
  open(path: string): Promise<BackendSession>;
}

/** How a backend is opened. */
export interface BackendOptions {
  /** Intra-op threads (native) or WASM worker threads; the runtime's default when absent. */
  readonly threads?: number;
}
