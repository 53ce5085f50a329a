/**
 * A table of vectors in WebAssembly memory, pooled by a SIMD kernel. The
 * kernel (`row_kernel.wat`, 0.5 kB) is written by hand: no maintained npm
 * package sums rows of a table in place, and shipping a toolchain-built
 * module would hide two loops behind a build step. Pooling 2048-d random
 * vectors this way ran twice as fast as the blocked JavaScript sum
 * (`weighted_mean.ts`), itself twice the row-at-a-time loop (issue 7).
 * @module
 */

import type { RowSource } from "../aggregate/static_encoder.ts";

/** `row_kernel.wat` assembled by wabt 1.0.39 (`tests/static/row_arena_test.ts` checks it). */
export const ROW_KERNEL_WASM: string =
  "AGFzbQEAAAABDwJgBX9/f39/AGADf399AAMDAgABBQMBAAEHIAMGbWVtb3J5AgAKYWNjdW11" +
  "bGF0ZQAABmRpdmlkZQABCq4DAu0CBAN/AXsEfwR7IANBAnQhBQJAA0AgB0EEaiACSw0BIAAo" +
  "AgAhCSAAKAIEIQogACgCCCELIAAoAgwhDCABKgIA/RMhDSABKgIE/RMhDiABKgII/RMhDyAB" +
  "KgIM/RMhEEEAIQYCQANAIAYgBU8NASAEIAZq/QAEACEIIAggCSAGav0ABAAgDf3mAf3kASEI" +
  "IAggCiAGav0ABAAgDv3mAf3kASEIIAggCyAGav0ABAAgD/3mAf3kASEIIAggDCAGav0ABAAg" +
  "EP3mAf3kASEIIAQgBmogCP0LBAAgBkEQaiEGDAALCyAAQRBqIQAgAUEQaiEBIAdBBGohBwwA" +
  "CwsCQANAIAcgAk8NASAAKAIAIQkgASoCAP0TIQ1BACEGAkADQCAGIAVPDQEgBCAGaiAEIAZq" +
  "/QAEACAJIAZq/QAEACAN/eYB/eQB/QsEACAGQRBqIQYMAAsLIABBBGohACABQQRqIQEgB0EB" +
  "aiEHDAALCws9AgF/AXsgAv0TIQQgACABQQJ0aiEDAkADQCAAIANPDQEgACAA/QAEACAE/ecB" +
  "/QsEACAAQRBqIQAMAAsLCw==";

const decode = (b64: string): Uint8Array<ArrayBuffer> =>
  Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));

interface Kernel {
  readonly memory: WebAssembly.Memory;
  accumulate(
    rows: number,
    weights: number,
    count: number,
    n: number,
    out: number,
  ): void;
  divide(out: number, n: number, total: number): void;
}

let compiled: WebAssembly.Module | null | undefined;
let source: "precompiled" | "compiled" | "javascript" | undefined;

/**
 * Hands the kernel in already compiled (a workerd `wasm` module binding of
 * `row_kernel.wasm`): runtimes that refuse to compile bytes at run time
 * still instantiate a compiled module. Call before the first pipeline loads.
 */
export const provideRowKernel = (module: WebAssembly.Module): void => {
  compiled = module;
  source = "precompiled";
};

/** The kernel's module, or null where WebAssembly SIMD is not available. */
const kernelModule = (): WebAssembly.Module | null => {
  if (compiled === undefined) {
    const bytes = decode(ROW_KERNEL_WASM);
    try {
      compiled = typeof WebAssembly === "object" && WebAssembly.validate(bytes)
        ? new WebAssembly.Module(bytes)
        : null;
    } catch {
      // Compiling at run time is refused (Cloudflare's workerd): JavaScript.
      compiled = null;
    }
    source = compiled ? "compiled" : "javascript";
  }
  return compiled;
};

/**
 * How rows are pooled here: the SIMD kernel handed in compiled
 * ({@link provideRowKernel}), compiled here, or the JavaScript sum.
 */
export const rowKernelSource = ():
  | "precompiled"
  | "compiled"
  | "javascript" => {
  kernelModule();
  return source ?? "javascript";
};

/** The kernel's bytes, for a runtime that wants them as a module file. */
export const rowKernelBytes = (): Uint8Array<ArrayBuffer> =>
  decode(ROW_KERNEL_WASM);

/** Rows summed per kernel call; longer sentences are summed in chunks. */
const CHUNK = 256;

/** Vectors of one length stored side by side, summed where they lie. */
export interface RowArena {
  readonly dim: number;
  /** Rows stored so far. */
  readonly size: number;
  /** Stores a row filled by `fill` (a view, valid during the call); returns its handle. */
  add(fill: (row: Float32Array) => void): number;
  /** Row `handle`'s values: a new view, valid until the next `add`. */
  view(handle: number): Float32Array;
  /** {@link RowSource.weightedMean}, summed in float32. */
  readonly weightedMean: RowSource["weightedMean"];
  /** {@link RowSource.weightedMeans}: the same sums, sentence after sentence. */
  readonly weightedMeans: NonNullable<RowSource["weightedMeans"]>;
}

/**
 * An empty arena of `dim`-long rows, or undefined where WebAssembly SIMD is
 * not available (callers keep rows in JavaScript instead).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { rowArena } from "./row_arena.ts";
 * const arena = rowArena(3)!;
 * const a = arena.add((r) => r.set([1, 2, 3]));
 * const b = arena.add((r) => r.set([4, 0, -2]));
 * const out = new Float32Array(3);
 * arena.weightedMean(Int32Array.of(a, b), Float32Array.of(1, 3), 2, 4, out);
 * assert.deepEqual([...out], [3.25, 0.5, -0.75]);
 * ```
 */
export const rowArena = (dim: number): RowArena | undefined => {
  const module = kernelModule();
  if (module === null) return undefined;
  let k: Kernel;
  try {
    k = new WebAssembly.Instance(module).exports as unknown as Kernel;
  } catch {
    return undefined;
  }
  // The kernel reads four lanes at a time: rows are padded to a multiple of 4.
  const stride = Math.ceil(dim / 4) * 4;
  const OUT = 0;
  const HANDLES = stride * 4;
  const WEIGHTS = HANDLES + CHUNK * 4;
  const ROWS = WEIGHTS + CHUNK * 4;
  let f32 = new Float32Array(k.memory.buffer);
  let i32 = new Int32Array(k.memory.buffer);
  let next = ROWS;
  let size = 0;
  // Handles and weights by element loops (a sentence is a few rows), the
  // result's zeros and copy by fill/set: one view a sentence costs less
  // than 2 × dim element writes (3 ms of 15 on STS-B at 2048-d).
  const meanInto = (
    handles: Int32Array,
    weights: Float32Array,
    first: number,
    count: number,
    total: number,
    out: Float32Array,
    at: number,
  ): void => {
    const o = OUT / 4;
    f32.fill(0, o, o + stride);
    for (let from = 0; from < count; from += CHUNK) {
      const n = Math.min(CHUNK, count - from);
      for (let r = 0; r < n; r++) {
        i32[HANDLES / 4 + r] = handles[first + from + r];
        f32[WEIGHTS / 4 + r] = weights[first + from + r];
      }
      k.accumulate(HANDLES, WEIGHTS, n, stride, OUT);
    }
    k.divide(OUT, stride, total);
    out.set(f32.subarray(o, o + dim), at);
  };
  return {
    dim,
    get size() {
      return size;
    },
    add(fill) {
      const end = next + stride * 4;
      if (end > k.memory.buffer.byteLength) {
        const pages = Math.ceil((end - k.memory.buffer.byteLength) / 65536);
        // Doubling keeps the number of grows (and view rebuilds) logarithmic.
        k.memory.grow(Math.max(pages, k.memory.buffer.byteLength / 65536));
        f32 = new Float32Array(k.memory.buffer);
        i32 = new Int32Array(k.memory.buffer);
      }
      const handle = next;
      fill(f32.subarray(handle / 4, handle / 4 + dim));
      next = end;
      size++;
      return handle;
    },
    view: (handle) => f32.subarray(handle / 4, handle / 4 + dim),
    weightedMean(handles, weights, count, total, out, at = 0) {
      meanInto(handles, weights, 0, count, total, out, at);
    },
    weightedMeans(handles, weights, starts, totals, at, n, out) {
      for (let s = 0; s < n; s++) {
        const from = starts[s];
        meanInto(
          handles,
          weights,
          from,
          starts[s + 1] - from,
          totals[s],
          out,
          at[s],
        );
      }
    },
  };
};
