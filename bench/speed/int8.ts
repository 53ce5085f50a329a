/**
 * The int8 rows of `deno task bench`: sentemb on a dynamically quantized
 * graph against the same pipeline in fp32, on the BERT-base-sized fixture
 * and on stories260K — wall time side by side in rounds (each configuration
 * in its own worker process), the mean cosine between their sentence
 * vectors, and stories260K's STS avg8 for both precisions through
 * `deno task eval`.
 */
import { Effect } from "effect";
import { relative } from "node:path";
import { PIPELINES } from "../../pipelines/mod.ts";
import { quantizeModelFile } from "../../src/onnx/quantize/quantize_file.ts";
import { modelFolder, type Paths } from "../../src/paths.ts";
import type { PipelineSpec } from "../../src/pipeline/spec.ts";
import type { Runner } from "./configs.ts";
import { specRunner } from "./spec_runner.ts";
import { median, pairedRatio, rotate } from "./stats.ts";
import { startWorker, type WorkerClient } from "./worker_client.ts";
import { MODEL, type WorkloadOptions } from "./workload.ts";

/** The BERT fixture's pipeline (as the other rows) and stories260K's. */
export const INT8_PIPELINES = {
  bert: "random-bert-base-last-mean",
  stories: "stories260k-mean",
} as const;

/** The pipeline `name` with its transformer stages changed by `f`. */
const withTransformer = (
  name: string,
  f: (s: Record<string, unknown>) => Record<string, unknown>,
): PipelineSpec => {
  const spec = PIPELINES.find((p) => p.name === name);
  if (spec === undefined) throw new Error(`no pipeline ${name}`);
  return {
    ...spec,
    stages: spec.stages.map((s) =>
      s._tag === "transformer" ? f(s) as typeof s : s
    ),
  } as PipelineSpec;
};

const runner = (paths: Paths["Service"], spec: PipelineSpec) =>
  specRunner(paths, spec, "native");

/**
 * The fixture's pipeline on a per-tensor int8 graph (one scale per weight
 * matrix): the same quantizer, quantized here and named by its path from
 * the model folder.
 */
const perTensor = async (paths: Paths["Service"]): Promise<Runner> => {
  const folder = modelFolder(paths, MODEL);
  const q = await Effect.runPromise(
    quantizeModelFile(`${folder}/onnx/model.onnx`, { perChannel: false }),
  );
  return runner(
    paths,
    withTransformer(
      INT8_PIPELINES.bert,
      (s) => ({ ...s, file: relative(folder, q.path) }),
    ),
  );
};

const int8 = (s: Record<string, unknown>) => ({ ...s, precision: "int8" });

/** The worker configurations of the int8 rows. */
export const INT8_CONFIGS = {
  "bert-fp32": (p: Paths["Service"]) =>
    runner(p, withTransformer(INT8_PIPELINES.bert, (s) => s)),
  "bert-int8": (p: Paths["Service"]) =>
    runner(p, withTransformer(INT8_PIPELINES.bert, int8)),
  "bert-int8-tensor": perTensor,
  "stories-fp32": (p: Paths["Service"]) =>
    runner(p, withTransformer(INT8_PIPELINES.stories, (s) => s)),
  "stories-int8": (p: Paths["Service"]) =>
    runner(p, withTransformer(INT8_PIPELINES.stories, int8)),
} as const;

/** What the int8 rows measured. */
export interface Int8Result {
  /** sentemb int8 / fp32 wall time, BERT-base-sized fixture (median of paired rounds). */
  readonly int8_vs_fp32: number;
  /** Mean cosine between int8 and fp32 sentence vectors, same fixture. */
  readonly int8_mean_cosine: number;
  /** The same two on a per-tensor int8 graph (one scale per weight matrix). */
  readonly int8_per_tensor_vs_fp32: number;
  readonly int8_per_tensor_mean_cosine: number;
  /** stories260K (its mean-pooling pipeline, ONNX export of the llama2.c checkpoint). */
  readonly stories260k_int8_vs_fp32: number;
  readonly stories260k_int8_mean_cosine: number;
  /** STS avg8 (Spearman ×100) of `stories260k-mean` in fp32 and in int8. */
  readonly stories260k_sts_avg8_fp32: number;
  readonly stories260k_sts_avg8_int8: number;
  readonly int8_detail: {
    /** Each configuration's wall time per round on the sample, ms. */
    readonly rounds_ms: Record<string, number[]>;
    /** Each configuration's load time (the int8 ones quantize on a cold cache), ms. */
    readonly load_ms: Record<string, number>;
  };
}

/** The mean over rows of the cosine between two [n, dim] row sets. */
export const meanCosine = (
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  rows: number,
): number => {
  if (a.length !== b.length || rows === 0) return NaN;
  const dim = a.length / rows;
  let sum = 0;
  for (let r = 0; r < rows; r++) {
    let d = 0;
    let na = 0;
    let nb = 0;
    for (let j = r * dim; j < (r + 1) * dim; j++) {
      d += a[j] * b[j];
      na += a[j] * a[j];
      nb += b[j] * b[j];
    }
    sum += d / Math.sqrt(na * nb);
  }
  return sum / rows;
};

type Int8Config = keyof typeof INT8_CONFIGS;

// Rounds of `run main` over `configs` (after a warm-up), rotating who goes
// first; then every sentence's vector of each, against the first.
const sideBySide = async (
  configs: ReadonlyArray<Int8Config>,
  workload: WorkloadOptions,
  rounds: number,
  log: (msg: string) => void,
  times: Record<string, number[]>,
  loads: Record<string, number>,
) => {
  const workers = new Map<Int8Config, WorkerClient>();
  for (const c of configs) {
    const w = await startWorker(c, workload);
    workers.set(c, w);
    loads[c] = w.loadMs;
    log(`${c} loaded in ${(w.loadMs / 1000).toFixed(1)} s`);
  }
  for (let round = -1; round < rounds; round++) {
    for (const c of rotate(configs, Math.max(0, round))) {
      const { ms } = await workers.get(c)!.ask("run main");
      if (round >= 0) (times[c] ??= []).push(ms!);
    }
  }
  const vectors = new Map<Int8Config, number[]>();
  for (const c of configs) {
    vectors.set(c, (await workers.get(c)!.ask("vectors main all")).vectors!);
    await workers.get(c)!.quit();
  }
  const ref = vectors.get(configs[0])!;
  const rows = workload.sentences;
  return (c: Int8Config) => ({
    ratio: pairedRatio(times[c], times[configs[0]]),
    cosine: meanCosine(vectors.get(c)!, ref, Math.min(rows, ref.length)),
  });
};

// STS avg8 of a catalogue pipeline through `deno task eval` (its results
// are memoised in the cache by pipeline hash: a rerun is quick).
const stsAvg8 = async (pipeline: string, precision: string) => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-read",
      "--allow-env",
      "--allow-write=.cache",
      "--allow-sys",
      "--allow-ffi",
      new URL("../eval.ts", import.meta.url).pathname,
      "--pipeline",
      pipeline,
      "--suite",
      "sts",
      "--precision",
      precision,
      "--json",
    ],
    stdout: "piped",
    stderr: "null",
  }).output();
  if (!out.success) return NaN;
  return Number(
    JSON.parse(new TextDecoder().decode(out.stdout)).avg8 ?? NaN,
  );
};

/** Runs the int8 rows (workers of {@link INT8_CONFIGS}), one model after the other. */
export const measureInt8 = async (
  workload: WorkloadOptions,
  rounds: number,
  log: (msg: string) => void,
): Promise<Int8Result> => {
  const times: Record<string, number[]> = {};
  const loads: Record<string, number> = {};
  log("int8: BERT-base-sized fixture");
  const bert = await sideBySide(
    ["bert-fp32", "bert-int8", "bert-int8-tensor"],
    workload,
    rounds,
    log,
    times,
    loads,
  );
  log("int8: stories260K");
  const stories = await sideBySide(
    ["stories-fp32", "stories-int8"],
    workload,
    rounds,
    log,
    times,
    loads,
  );
  log("int8: stories260K STS (deno task eval)");
  const stsFp32 = await stsAvg8(INT8_PIPELINES.stories, "fp32");
  const stsInt8 = await stsAvg8(INT8_PIPELINES.stories, "int8");
  const channel = bert("bert-int8");
  const tensor = bert("bert-int8-tensor");
  const small = stories("stories-int8");
  return {
    int8_vs_fp32: channel.ratio,
    int8_mean_cosine: channel.cosine,
    int8_per_tensor_vs_fp32: tensor.ratio,
    int8_per_tensor_mean_cosine: tensor.cosine,
    stories260k_int8_vs_fp32: small.ratio,
    stories260k_int8_mean_cosine: small.cosine,
    stories260k_sts_avg8_fp32: stsFp32,
    stories260k_sts_avg8_int8: stsInt8,
    int8_detail: { rounds_ms: times, load_ms: loads },
  };
};

const x = (r: number) => r.toFixed(3);
const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** The int8 rows as Markdown table lines (the figure table's columns). */
export const int8Rows = (r: Int8Result): string[] => {
  const m = (c: Int8Config) => sec(median(r.int8_detail.rounds_ms[c] ?? []));
  return [
    `| (f) int8 / fp32 (sentemb, BERT-base fixture; mean cosine ${
      r.int8_mean_cosine.toFixed(4)
    }) | ${m("bert-int8")} | ${m("bert-fp32")} | ${
      x(r.int8_vs_fp32)
    } | ≤ 0.5, cosine ≥ 0.99 | ${
      r.int8_vs_fp32 <= 0.5 && r.int8_mean_cosine >= 0.99 ? "yes" : "NO"
    } |`,
    `| (f) per-tensor int8 / fp32 (same; mean cosine ${
      r.int8_per_tensor_mean_cosine.toFixed(4)
    }) | ${m("bert-int8-tensor")} | ${m("bert-fp32")} | ${
      x(r.int8_per_tensor_vs_fp32)
    } | – | – |`,
    `| (f) int8 / fp32 on stories260K (mean cosine ${
      r.stories260k_int8_mean_cosine.toFixed(4)
    }; STS avg8 ${r.stories260k_sts_avg8_fp32.toFixed(2)} fp32, ${
      r.stories260k_sts_avg8_int8.toFixed(2)
    } int8) | ${m("stories-int8")} | ${m("stories-fp32")} | ${
      x(r.stories260k_int8_vs_fp32)
    } | – | – |`,
  ];
};

// The int8 rows alone (what `deno task bench` adds as (f)), with the
// bench's flags and permissions:
// deno run --allow-read --allow-env --allow-write=.cache --allow-sys
//   --allow-ffi --allow-run bench/speed/int8.ts [--sentences 2758] [--rounds 3] [--json]
if (import.meta.main) {
  const { parseFlags } = await import("../../src/cli/args.ts");
  const flags = parseFlags(Deno.args, {
    sentences: { type: "string" },
    rounds: { type: "string" },
    json: { type: "boolean" },
    help: { type: "boolean" },
  }, "Usage: bench/speed/int8.ts [--sentences 2758] [--rounds 3] [--json]");
  const loadStart = Deno.loadavg()[0];
  const r = await measureInt8(
    { sentences: Number(flags.sentences ?? 2758), wasmSentences: 1 },
    Number(flags.rounds ?? 3),
    (msg) => console.error(`[bench] ${msg}`),
  );
  const load = `1-min load ${loadStart.toFixed(1)} at start, ${
    Deno.loadavg()[0].toFixed(1)
  } at end`;
  console.log(
    flags.json
      ? JSON.stringify({ ...r, load_start: loadStart }, null, 2)
      : [load, "", ...int8Rows(r)].join("\n"),
  );
}
