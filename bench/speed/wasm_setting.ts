/** One setting of the WASM sweep (`bench/speed/wasm_settings.ts`). */
export interface WasmSetting {
  readonly label: string;
  readonly threads?: number;
  /** `dist/` binary stem: `ort-wasm-simd-threaded` (default) or a variant. */
  readonly binary?: string;
  readonly opt?: "disabled" | "basic" | "extended" | "all";
  readonly mode?: "sequential" | "parallel";
  readonly rows?: number;
  readonly tokens?: number;
  /**
   * The graph WASM runs, in the fixture's folder (native runs the fp32
   * `onnx/model.onnx` unless `nativeGraph` says otherwise):
   * `onnx/model_quantized.onnx` is written by `deno task quantize --model
   * ./.cache/models/random-bert-base --out ...` (skipped when absent).
   */
  readonly graph?: string;
  /**
   * The graph native runs instead of the fp32 one: the same int8 file as
   * `graph` makes a same-precision int8 pair.
   */
  readonly nativeGraph?: string;
  /**
   * Fixed shapes: WASM runs batches of exactly this many rows, each padded
   * to the sample's longest sentence (a remainder under a batch is left
   * out, on both sides).
   */
  readonly uniform?: number;
  /** With `uniform`: `freeDimensionOverrides` pins batch and sequence. */
  readonly overrides?: boolean;
  /**
   * Outputs passed to `run` as tensors allocated before the clock (what
   * onnxruntime-web offers in place of IO binding on its CPU provider).
   */
  readonly preallocate?: boolean;
  /** `env.wasm.simd`: `"relaxed"` only checks that the runtime has it. */
  readonly simd?: "fixed" | "relaxed";
}

/** What one setting measured. */
export interface Measured {
  /** Median WASM and native pass, ms, and the median of paired ratios. */
  readonly ms: number;
  readonly nativeMs: number;
  readonly ratio: number;
  readonly cpuPerWall: number;
  readonly batches: number;
  readonly threads: number;
  /** Largest |WASM − native| over the first batch's hidden states. */
  readonly maxDiff: number;
}

const cores = navigator.hardwareConcurrency;
const quantized = "onnx/model_quantized.onnx";
/** What the sweep tries, in order. */
export const SETTINGS: ReadonlyArray<WasmSetting> = [
  { label: "wasm, 1 thread", threads: 1 },
  { label: `wasm, ${cores} threads`, threads: cores },
  {
    label: `wasm, ${cores} threads, int8 graph (vs native fp32)`,
    threads: cores,
    graph: quantized,
  },
  {
    label: `wasm, ${cores} threads, batches of ≤ 16 rows`,
    threads: cores,
    rows: 16,
  },
  {
    label: `wasm, ${cores} threads, batches of ≤ 2048 tokens`,
    threads: cores,
    tokens: 2048,
  },
  {
    label: `wasm, ${cores} threads, opt extended`,
    threads: cores,
    opt: "extended",
  },
  {
    label: `wasm, ${cores} threads, executionMode parallel`,
    threads: cores,
    mode: "parallel",
  },
  {
    label: `wasm, ${cores} threads, jsep binary`,
    threads: cores,
    binary: "ort-wasm-simd-threaded.jsep",
  },
  {
    label: `wasm, ${cores} threads, int8 graph vs native int8`,
    threads: cores,
    graph: quantized,
    nativeGraph: quantized,
  },
  {
    label: `wasm, ${cores} threads, fixed 16-row batches`,
    threads: cores,
    uniform: 16,
  },
  {
    label:
      `wasm, ${cores} threads, fixed 16-row batches + freeDimensionOverrides`,
    threads: cores,
    uniform: 16,
    overrides: true,
  },
  {
    label: `wasm, ${cores} threads, preallocated outputs`,
    threads: cores,
    preallocate: true,
  },
  {
    label: `wasm, ${cores} threads, env.wasm.simd "relaxed"`,
    threads: cores,
    simd: "relaxed",
  },
];
