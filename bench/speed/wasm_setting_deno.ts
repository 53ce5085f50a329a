import * as ortWeb from "onnxruntime-web";
import { localWasmPaths } from "../../src/forward/wasm_backend.ts";
import { type Batch, feeds, sweepBatches } from "./wasm_batches.ts";
import {
  maxAbsDiff,
  openNative,
  pairedPasses,
  timedPass,
} from "./wasm_pairing.ts";
import type { Measured, WasmSetting } from "./wasm_setting.ts";

/**
 * One setting in this Deno process (the WASM runtime is initialised once
 * per process, with its thread count and binary fixed then): WASM passes
 * paired with onnxruntime-node passes on the same sentences.
 */
export const measureInDeno = async (
  s: WasmSetting,
  sentences: number,
  passes: number,
): Promise<Measured> => {
  const b = await sweepBatches(s, sentences);
  const file = (graph?: string) => `${b.folder}/${graph ?? "onnx/model.onnx"}`;
  const native = await openNative(file(s.nativeGraph), b.native);
  const dir = localWasmPaths();
  const stem = s.binary ?? "ort-wasm-simd-threaded";
  ortWeb.env.wasm.wasmPaths = {
    mjs: `${dir}${stem}.mjs`,
    wasm: `${dir}${stem}.wasm`,
  };
  if (s.threads !== undefined) ortWeb.env.wasm.numThreads = s.threads;
  if (s.simd !== undefined) ortWeb.env.wasm.simd = s.simd;
  const session = await ortWeb.InferenceSession.create(
    await Deno.readFile(file(s.graph)),
    {
      executionProviders: ["wasm"],
      graphOptimizationLevel: s.opt ?? "all",
      executionMode: s.mode ?? "sequential",
      ...(s.overrides && s.uniform !== undefined
        ? {
          freeDimensionOverrides: {
            batch_size: s.uniform,
            sequence_length: b.longest,
          },
        }
        : {}),
    },
  );
  const first = b.wasm[0];
  const hidden = (await session.run(
    feeds(ortWeb.Tensor, first) as never,
    ["last_hidden_state"],
  )).last_hidden_state.dims[2];
  // Tensors (and preallocated outputs) made before the clock starts.
  const inputs = b.wasm.map((x) => feeds(ortWeb.Tensor, x));
  const outputs = b.wasm.map((x) => ({
    last_hidden_state: new ortWeb.Tensor(
      "float32",
      new Float32Array(x.dims[0] * x.dims[1] * hidden),
      [...x.dims, hidden],
    ),
  }));
  const run = async (_: Batch, i: number) =>
    (await session.run(
      inputs[i] as never,
      s.preallocate ? outputs[i] as never : ["last_hidden_state"],
    )).last_hidden_state.data as Float32Array;
  // WASM's first batch against native on the same tensors, read from what
  // `run` returned (preallocated or not).
  const maxDiff = maxAbsDiff(await run(first, 0), await native.run(first));
  const m = await pairedPasses(
    native.pass,
    () => timedPass(b.wasm, run),
    passes,
  );
  return {
    ...m,
    maxDiff,
    batches: b.wasm.length,
    threads: ortWeb.env.wasm.numThreads as number,
  };
};
