/**
 * `deno run -A bench/speed/wasm_gemm.ts [--rows 512] [--reps 5] [--threads 1]`: one
 * plain GEMM, BERT-base's feed-forward shape (rows × 768 by 768 × 3072),
 * on onnxruntime-web (WASM SIMD) and onnxruntime-node (MLAS) in one
 * process, one thread each (`--threads`), fp32 and int8 (the same graph through
 * sentemb's dynamic quantizer: DynamicQuantizeLinear + MatMulInteger). What a
 * core does per second on each backend, with no graph, threading or
 * batching in the way: the floor under any `wasm_vs_native`.
 */
import { Effect } from "effect";
import process from "node:process";
import * as ortWeb from "onnxruntime-web";
import { parseFlags } from "../../src/cli/args.ts";
import {
  loadOrtNode,
  nativeSessionOptions,
} from "../../src/forward/native_backend.ts";
import { localWasmPaths } from "../../src/forward/wasm_backend.ts";
import { DataType, encodeModel, onnx } from "../../src/onnx/proto.ts";
import { quantizeModelFile } from "../../src/onnx/quantize/quantize_file.ts";
import { median } from "./stats.ts";

const flags = parseFlags(
  Deno.args,
  {
    rows: { type: "string" },
    reps: { type: "string" },
    threads: { type: "string" },
    help: { type: "boolean" },
  },
  "Usage: deno run -A bench/speed/wasm_gemm.ts [--rows 512] [--reps 5] [--threads 1]",
);
const M = Number(flags.rows ?? 512);
const reps = Number(flags.reps ?? 5);
const threads = Number(flags.threads ?? 1);
const K = 768;
const N = 3072;

// Y = X · W, W a constant: what the quantizer turns into an int8 MatMul.
const weights = new Float32Array(K * N);
for (let i = 0; i < weights.length; i++) {
  weights[i] = Math.sin(i * 12.9898) * 0.05;
}
const dir = ".cache/wasm_gemm";
await Deno.mkdir(dir, { recursive: true });
const fp32 = `${dir}/matmul_${K}x${N}.onnx`;
await Deno.writeFile(
  fp32,
  encodeModel({
    irVersion: 8,
    opsetImport: [{ domain: "", version: 17 }],
    graph: {
      name: "gemm",
      node: [{ opType: "MatMul", input: ["x", "w"], output: ["y"] }],
      initializer: [{
        name: "w",
        dataType: DataType.FLOAT,
        dims: [K, N],
        rawData: new Uint8Array(weights.buffer),
      }],
      input: [vi("x", ["rows", K])],
      output: [vi("y", ["rows", N])],
    },
  }),
);
const int8 = (await Effect.runPromise(
  quantizeModelFile(fp32, { weightType: "int8", perChannel: true }),
)).path;

function vi(name: string, dims: Array<string | number>) {
  return onnx.ValueInfoProto.create({
    name,
    type: {
      tensorType: {
        elemType: DataType.FLOAT,
        shape: {
          dim: dims.map((d) =>
            typeof d === "string" ? { dimParam: d } : { dimValue: d }
          ),
        },
      },
    },
  });
}

const x = new Float32Array(M * K);
for (let i = 0; i < x.length; i++) x[i] = Math.cos(i * 78.233);
const ort = await loadOrtNode();
ortWeb.env.wasm.wasmPaths = localWasmPaths();
ortWeb.env.wasm.numThreads = threads;
const flops = 2 * M * K * N;

type Run = () => Promise<unknown>;
// Median ms of `reps` runs after a warm-up, and CPU time / wall time
// (1.0: one core busy, so the thread setting held).
const time = async (run: Run) => {
  await run();
  const ms: number[] = [];
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let r = 0; r < reps; r++) {
    const t = performance.now();
    await run();
    ms.push(performance.now() - t);
  }
  const c = process.cpuUsage(c0);
  const cpu = (c.user + c.system) / 1000 / (performance.now() - t0);
  return { ms: median(ms), cpu };
};
const maxDiff = (a: Float32Array, b: Float32Array) => {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
};
console.log(
  `GEMM ${M}×${K} · ${K}×${N}, ${threads} thread(s) each, median of ${reps} after a warm-up`,
);
console.log("");
console.log(
  "| graph | WASM | native | WASM GFLOP/s | native GFLOP/s | WASM / native | CPU / wall (WASM, native) | max abs diff |",
);
console.log("|---|---:|---:|---:|---:|---:|---:|---:|");
for (const [label, file] of [["fp32", fp32], ["int8 (dynamic)", int8]]) {
  const n = await ort.InferenceSession.create(
    file,
    nativeSessionOptions({ threads }),
  );
  const w = await ortWeb.InferenceSession.create(await Deno.readFile(file), {
    executionProviders: ["wasm"],
    graphOptimizationLevel: "all",
  });
  const nx = new ort.Tensor("float32", x, [M, K]);
  const wx = new ortWeb.Tensor("float32", x, [M, K]);
  // Interleaved: native, WASM, native, WASM (a shared machine drifts).
  const n1 = await time(() => n.run({ x: nx }));
  const wasm = await time(() => w.run({ x: wx }));
  const n2 = await time(() => n.run({ x: nx }));
  const native = n1.ms <= n2.ms ? n1 : n2;
  const diff = maxDiff(
    (await w.run({ x: wx })).y.data as Float32Array,
    (await n.run({ x: nx })).y.data as Float32Array,
  );
  console.log(
    `| ${label} | ${wasm.ms.toFixed(1)} ms | ${native.ms.toFixed(1)} ms | ${
      (flops / wasm.ms / 1e6).toFixed(1)
    } | ${(flops / native.ms / 1e6).toFixed(1)} | ${
      (wasm.ms / native.ms).toFixed(2)
    } | ${wasm.cpu.toFixed(2)}, ${native.cpu.toFixed(2)} | ${
      diff.toExponential(1)
    } |`,
  );
  await w.release();
  await n.release();
}
