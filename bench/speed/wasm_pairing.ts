import process from "node:process";
import {
  loadOrtNode,
  nativeSessionOptions,
} from "../../src/forward/native_backend.ts";
import { type Batch, feeds } from "./wasm_batches.ts";
import { median } from "./stats.ts";

/** One timed pass: wall ms, and CPU time / wall time where it was seen. */
export interface Pass {
  readonly ms: number;
  readonly cpu: number;
}

/** Times `run` over every batch; CPU is this process's. */
export const timedPass = async (
  batches: ReadonlyArray<Batch>,
  run: (b: Batch, i: number) => Promise<unknown>,
): Promise<Pass> => {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < batches.length; i++) await run(batches[i], i);
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { ms, cpu: (c.user + c.system) / 1000 / ms };
};

/**
 * onnxruntime-node on a graph, as sentemb's native backend opens it: `pass`
 * times the given batches (tensors made before the clock), `run` one batch.
 */
export const openNative = async (
  file: string,
  batches: ReadonlyArray<Batch>,
) => {
  const ort = await loadOrtNode();
  const session = await ort.InferenceSession.create(
    file,
    nativeSessionOptions(),
  );
  const inputs = batches.map((b) => feeds(ort.Tensor, b));
  const pass = () =>
    timedPass(
      batches,
      (_, i) => session.run(inputs[i] as never, ["last_hidden_state"]),
    );
  const run = async (b: Batch) =>
    (await session.run(
      feeds(ort.Tensor, b) as never,
      ["last_hidden_state"],
    )).last_hidden_state.data as Float32Array;
  return { pass, run };
};

/** The largest |a − b| (Infinity when the lengths differ). */
export const maxAbsDiff = (a: Float32Array, b: Float32Array): number => {
  let d = a.length === b.length ? 0 : Infinity;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
};

/**
 * One warm-up pass each, then `passes` timed ones in alternating order (so
 * neither side always runs first): median times, the median of the paired
 * ratios, and the WASM side's median CPU / wall.
 */
export const pairedPasses = async (
  native: () => Promise<Pass>,
  wasm: () => Promise<Pass>,
  passes: number,
): Promise<
  { ms: number; nativeMs: number; ratio: number; cpuPerWall: number }
> => {
  await native();
  await wasm();
  const ratios: number[] = [];
  const wasmMs: number[] = [];
  const nativeMs: number[] = [];
  const cpu: number[] = [];
  for (let p = 0; p < passes; p++) {
    let a, b;
    if (p % 2 === 0) (a = await native(), b = await wasm());
    else (b = await wasm(), a = await native());
    ratios.push(b.ms / a.ms);
    wasmMs.push(b.ms);
    nativeMs.push(a.ms);
    cpu.push(b.cpu);
  }
  return {
    ms: median(wasmMs),
    nativeMs: median(nativeMs),
    ratio: median(ratios),
    cpuPerWall: median(cpu),
  };
};
