/**
 * `deno run -A bench/speed/wasm_settings.ts [--sentences 384] [--passes 2]`:
 * onnxruntime-web on WASM against onnxruntime-node, setting by setting, on
 * the bench's STS-B sample and BERT-base-sized fixture. Each setting runs
 * in its own process (the WASM runtime is initialised once per process,
 * with its thread count and binary fixed then): a raw session loop over
 * sentemb's length-sorted batches, tensors built before the clock starts,
 * one warm-up pass each, then `--passes` timed passes that alternate with
 * onnxruntime-node on the same tensors in the same process, so every ratio
 * pairs times taken moments apart (the machine is shared). CPU time / wall
 * time of the WASM passes shows how many cores a setting really used.
 */
import { Effect } from "effect";
import { existsSync } from "node:fs";
import process from "node:process";
import * as ortWeb from "onnxruntime-web";
import { parseFlags } from "../../src/cli/args.ts";
import {
  loadOrtNode,
  nativeSessionOptions,
} from "../../src/forward/native_backend.ts";
import { localWasmPaths } from "../../src/forward/wasm_backend.ts";
import { lengthBuckets } from "../../src/forward/length_buckets.ts";
import { modelFolder, pathsFromEnv, pathsLayer } from "../../src/paths.ts";
import { padBatch } from "../../src/tokenize/pad_batch.ts";
import { loadPretrainedTokenizer } from "../../src/tokenize/pretrained_tokenizer.ts";
import { median } from "./stats.ts";
import { loadWorkload, MODEL } from "./workload.ts";

/** One setting of the sweep. */
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
   * The graph WASM runs, in the fixture's folder (native always runs the
   * fp32 `onnx/model.onnx`): `onnx/model_quantized.onnx` is written by
   * `deno task fixture --quantized` (skipped when absent).
   */
  readonly graph?: string;
}

const cores = navigator.hardwareConcurrency;
/** What the sweep tries, in order. */
export const SETTINGS: ReadonlyArray<WasmSetting> = [
  { label: "wasm, 1 thread", threads: 1 },
  { label: `wasm, ${cores} threads`, threads: cores },
  {
    label: `wasm, ${cores} threads, int8 graph (vs native fp32)`,
    threads: cores,
    graph: "onnx/model_quantized.onnx",
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
];

const int64 = (values: ArrayLike<number>) => {
  const out = new BigInt64Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = BigInt(values[i]);
  return out;
};

interface Measured {
  /** Median WASM and native pass, ms, and the median of paired ratios. */
  readonly ms: number;
  readonly nativeMs: number;
  readonly ratio: number;
  readonly cpuPerWall: number;
  readonly batches: number;
  readonly threads: number;
}

// One setting, in this process.
const child = async (
  s: WasmSetting,
  sentences: number,
  passes: number,
): Promise<Measured> => {
  const paths = { ...pathsFromEnv(), allowRemote: false };
  const layer = pathsLayer(paths);
  const w = await Effect.runPromise(
    loadWorkload({ sentences, wasmSentences: sentences }).pipe(
      Effect.provide(layer),
    ),
  );
  const tokenizer = await Effect.runPromise(
    loadPretrainedTokenizer(MODEL).pipe(Effect.provide(layer)),
  );
  const file = `${modelFolder(paths, MODEL)}/onnx/model.onnx`;
  const ids = w.main.map((t) => tokenizer.tokenize(t).ids);
  const buckets = lengthBuckets(
    ids.map((x) => x.length),
    s.tokens ?? 8192,
    s.rows ?? 64,
  );
  const ort = await loadOrtNode();
  const nativeSession = await ort.InferenceSession.create(
    file,
    nativeSessionOptions(),
  );
  const dir = localWasmPaths();
  const stem = s.binary ?? "ort-wasm-simd-threaded";
  ortWeb.env.wasm.wasmPaths = {
    mjs: `${dir}${stem}.mjs`,
    wasm: `${dir}${stem}.wasm`,
  };
  if (s.threads !== undefined) ortWeb.env.wasm.numThreads = s.threads;
  const wasmSession = await ortWeb.InferenceSession.create(
    await Deno.readFile(
      s.graph ? `${modelFolder(paths, MODEL)}/${s.graph}` : file,
    ),
    {
      executionProviders: ["wasm"],
      graphOptimizationLevel: s.opt ?? "all",
      executionMode: s.mode ?? "sequential",
    },
  );
  type AnyTensor = new (
    t: "int64",
    d: BigInt64Array,
    dims: number[],
  ) => unknown;
  // Native always runs sentemb's own batches; WASM the setting's.
  const nativeBuckets = lengthBuckets(ids.map((x) => x.length));
  const feedsFor = (Tensor: AnyTensor, batches: number[][]) =>
    batches.map((rows) => {
      const b = padBatch(
        rows.map((i) => ids[i]),
        tokenizer.padId ?? 0,
        "right",
      );
      const dims = [b.batch, b.seq];
      return {
        input_ids: new Tensor("int64", int64(b.ids), dims),
        attention_mask: new Tensor("int64", int64(b.mask), dims),
        token_type_ids: new Tensor(
          "int64",
          new BigInt64Array(b.ids.length),
          dims,
        ),
      };
    });
  const nativeFeeds = feedsFor(
    ort.Tensor as unknown as AnyTensor,
    nativeBuckets,
  );
  const wasmFeeds = feedsFor(ortWeb.Tensor as unknown as AnyTensor, buckets);
  const timed = async (
    run: (f: Record<string, unknown>) => Promise<unknown>,
    feeds: Record<string, unknown>[],
  ) => {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (const f of feeds) await run(f);
    const ms = performance.now() - t0;
    const c = process.cpuUsage(c0);
    return { ms, cpu: (c.user + c.system) / 1000 / ms };
  };
  const native = () =>
    timed(
      (f) => nativeSession.run(f as never, ["last_hidden_state"]),
      nativeFeeds,
    );
  const wasm = () =>
    timed((f) => wasmSession.run(f as never, ["last_hidden_state"]), wasmFeeds);
  await native();
  await wasm();
  const ratios: number[] = [];
  const wasmMs: number[] = [];
  const nativeMs: number[] = [];
  const cpu: number[] = [];
  for (let p = 0; p < passes; p++) {
    // Alternating order, so neither side always runs first.
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
    batches: buckets.length,
    threads: ortWeb.env.wasm.numThreads as number,
  };
};

const flags = parseFlags(
  Deno.args,
  {
    sentences: { type: "string" },
    passes: { type: "string" },
    child: { type: "string" },
    only: { type: "string" },
    skip: { type: "string" },
    json: { type: "boolean" },
    help: { type: "boolean" },
  },
  "Usage: deno run -A bench/speed/wasm_settings.ts [--sentences 384] [--passes 2] [--only LABEL-SUBSTRING] [--skip N] [--json]",
);
const sentences = Number(flags.sentences ?? 384);
const passes = Number(flags.passes ?? 2);

if (flags.child !== undefined) {
  const out = await child(JSON.parse(flags.child), sentences, passes);
  console.log(`@@wasm ${JSON.stringify(out)}`);
  Deno.exit(0);
}

const log = (m: string) => console.error(`[wasm-settings] ${m}`);
const rows: Array<WasmSetting & Measured & { load: number }> = [];
const chosen = SETTINGS.slice(Number(flags.skip ?? 0)).filter((s) =>
  flags.only === undefined || s.label.includes(flags.only)
);
const fixture = modelFolder({ ...pathsFromEnv(), allowRemote: false }, MODEL);
for (const s of chosen) {
  if (s.graph !== undefined && !existsSync(`${fixture}/${s.graph}`)) {
    log(`${s.label}: skipped, no ${s.graph} (deno task fixture --quantized)`);
    continue;
  }
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      new URL(import.meta.url).pathname,
      "--sentences",
      String(sentences),
      "--passes",
      String(passes),
      "--child",
      JSON.stringify(s),
    ],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  const line = new TextDecoder().decode(out.stdout).split("\n").find((l) =>
    l.startsWith("@@wasm ")
  );
  if (line === undefined) {
    log(`${s.label}: failed (exit ${out.code})`);
    continue;
  }
  const m = JSON.parse(line.slice(7)) as Measured;
  rows.push({ ...s, ...m, load: Deno.loadavg()[0] });
  log(
    `${s.label}: ${m.ratio.toFixed(2)}x native, CPU/wall ${
      m.cpuPerWall.toFixed(2)
    }`,
  );
}
if (flags.json) {
  console.log(JSON.stringify({ sentences, passes, rows }, null, 2));
} else {
  const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  console.log(
    `${sentences} STS-B sentences, BERT-base-sized fixture, ${cores} cores; median of ${passes} paired passes after a warm-up`,
  );
  console.log("");
  console.log(
    "| setting | batches | WASM | native | WASM / native | CPU / wall (WASM) | 1-min load |",
  );
  console.log("|---|---:|---:|---:|---:|---:|---:|");
  for (const r of rows) {
    console.log(
      `| ${r.label} | ${r.batches} | ${sec(r.ms)} | ${sec(r.nativeMs)} | ${
        r.ratio.toFixed(2)
      } | ${r.cpuPerWall.toFixed(2)} | ${r.load.toFixed(1)} |`,
    );
  }
}
