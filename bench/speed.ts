/**
 * `deno task bench`: sentemb's speed against transformers.js, a raw
 * onnxruntime-node loop, onnxruntime-web, and itself with every layer
 * exposed, in one run on this machine, plus the static pipeline's
 * throughput and each configuration's peak memory.
 *
 * Each configuration runs in its own process (its VmHWM is its own) and
 * loads once. Rounds alternate between configurations with a rotating
 * order, and every ratio pairs times taken moments apart: the machine is
 * shared, so absolute times drift with its load while ratios hold.
 */
import { parseFlags } from "../src/cli/args.ts";
import { BATCH_ROWS, BATCH_TOKENS } from "../src/forward/transformer_stage.ts";
import { type ConfigName, WASM_THREADS } from "./speed/configs.ts";
import { formatTable, type SpeedResult } from "./speed/report.ts";
import { measureInt8 } from "./speed/int8.ts";
import { median, pairedRatio, rotate } from "./speed/stats.ts";
import { versions } from "./speed/versions.ts";
import { measureStaticFloor, stsTestSentences } from "./speed/static_floor.ts";
import { measureColdStart } from "./cold_start.ts";
import { pathsFromEnv } from "../src/paths.ts";
import { startWorker, type WorkerClient } from "./speed/worker_client.ts";

// The defaults are the workload: every STS-B test sentence. A quick
// look (about 10 minutes on a quiet machine) is `--sentences 384`.
const USAGE = `Usage: deno task bench [--json] [--sentences 2758]
       [--wasm-sentences 384] [--rounds 3] [--static-rounds 9]
       [--cold-runs 3] [--skip-int8]`;
const flags = parseFlags(Deno.args, {
  json: { type: "boolean" },
  sentences: { type: "string" },
  "wasm-sentences": { type: "string" },
  rounds: { type: "string" },
  "static-rounds": { type: "string" },
  "cold-runs": { type: "string" },
  "skip-int8": { type: "boolean" },
  help: { type: "boolean" },
}, USAGE);
const workload = {
  sentences: Number(flags.sentences ?? 2758),
  wasmSentences: Number(flags["wasm-sentences"] ?? 384),
};
const rounds = Number(flags.rounds ?? 3);
const staticRounds = Number(flags["static-rounds"] ?? 9);

const log = (msg: string) => console.error(`[bench] ${msg}`);
const loadStart = Deno.loadavg()[0];
log(`1-min load ${loadStart.toFixed(2)}; starting workers`);

const TRANSFORMER: ConfigName[] = [
  "sentemb-native",
  "transformersjs",
  "raw-ort-last",
  "raw-ort-all",
  "sentemb-wasm",
];
const workers = new Map<ConfigName, WorkerClient>();
for (const name of TRANSFORMER) {
  const w = await startWorker(name, workload);
  workers.set(name, w);
  log(`${name} loaded in ${(w.loadMs / 1000).toFixed(1)} s`);
}
const { units, tokens, shapes } = workers.get("sentemb-native")!;

// What each round runs: (a) the whole sample as one call, sentemb against
// transformers.js; (b, d) each of sentemb's length-sorted batches as its own
// call, so the three runs of a batch sit seconds apart; (c) the WASM call.
const schedule: { call: string; label: string; configs: ConfigName[] }[] = [
  {
    call: "main",
    label: "main",
    configs: ["sentemb-native", "transformersjs"],
  },
  ...Array.from({ length: units }, (_, k) => ({
    call: `u${k}`,
    label: "batches",
    configs: ["sentemb-native", "raw-ort-last", "raw-ort-all"] as ConfigName[],
  })),
  {
    call: "wasm",
    label: "wasm",
    configs: ["sentemb-native", "sentemb-wasm"],
  },
];

// Per round, each configuration's total per label; and per batch call.
const totals = new Map<string, number[]>();
const perCall = new Map<string, number[]>();
const add = (
  map: Map<string, number[]>,
  key: string,
  i: number,
  ms: number,
) => {
  const xs = map.get(key) ?? [];
  map.set(key, xs);
  xs[i] = (xs[i] ?? 0) + ms;
};

for (let round = -1; round < rounds; round++) {
  for (const [i, step] of schedule.entries()) {
    for (const c of rotate(step.configs, Math.max(0, round) + i)) {
      const { ms } = await workers.get(c)!.ask(`run ${step.call}`);
      if (round < 0) continue;
      add(totals, `${c}|${step.label}`, round, ms!);
      if (step.label === "batches") add(perCall, c, round * units + i - 1, ms!);
    }
  }
  log(
    round < 0
      ? "warm-up round done"
      : `round ${round + 1}/${rounds} done, load ${
        Deno.loadavg()[0].toFixed(2)
      }`,
  );
}

const a = (await workers.get("sentemb-native")!.ask("vectors main")).vectors!;
const b = (await workers.get("transformersjs")!.ask("vectors main")).vectors!;
const checkDiff = a.length === b.length && a.length > 0
  ? a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0)
  : NaN;

const peak: Partial<Record<ConfigName, number>> = {};
for (const [name, w] of workers) {
  peak[name] = await w.peakMiB();
  await w.quit();
}

log("static pipeline");
const st = await startWorker("static", workload);
const staticSentences = (await st.ask("run all")).n!;
for (let round = 0; round < staticRounds; round++) {
  add(totals, "static|all", round, (await st.ask("run all")).ms!);
}
peak.static = await st.peakMiB();
await st.quit();

// The static pipeline against its floor, and the server's cold start
// (bench/speed/static_floor.ts, bench/cold_start.ts).
const paths = { ...pathsFromEnv(), allowRemote: false };
const floor = await measureStaticFloor(
  paths,
  await stsTestSentences(paths),
  staticRounds,
  log,
);
const cold = await measureColdStart(Number(flags["cold-runs"] ?? 3), log);
// (f) int8 against fp32, in their own workers.
const int8 = flags["skip-int8"] ? {} : await measureInt8(workload, rounds, log);

const of = (key: string) => totals.get(key) ?? [];
const calls = (c: ConfigName) => perCall.get(c) ?? [];
const medians: SpeedResult["median_ms"] = {};
for (const [key, xs] of totals) {
  const [c, label] = key.split("|") as [ConfigName, string];
  medians[c] = { ...medians[c], [label]: median(xs) };
}

const result: SpeedResult = {
  ...int8,
  vs_transformersjs: pairedRatio(
    of("sentemb-native|main"),
    of("transformersjs|main"),
  ),
  vs_raw_ort: pairedRatio(calls("sentemb-native"), calls("raw-ort-last")),
  wasm_vs_native: pairedRatio(
    of("sentemb-wasm|wasm"),
    of("sentemb-native|wasm"),
  ),
  all_layers_overhead: pairedRatio(calls("raw-ort-all"), calls("raw-ort-last")),
  // One transformer pipeline serving, each in its own process, one graph.
  peak_rss_vs_transformersjs: (peak["sentemb-native"] ?? NaN) /
    (peak.transformersjs ?? NaN),
  peak_rss_sentemb_mib: peak["sentemb-native"] ?? NaN,
  peak_rss_transformersjs_mib: peak.transformersjs ?? NaN,
  static_sentences_per_s: staticSentences /
    (median(of("static|all")) / 1000),
  ...floor,
  ...cold,
  machine: {
    cores: navigator.hardwareConcurrency,
    load_start: loadStart,
    load_end: Deno.loadavg()[0],
  },
  versions: versions(),
  workload: {
    ...workload,
    tokens,
    batches: units,
    rounds,
    batch_rows: BATCH_ROWS,
    batch_tokens: BATCH_TOKENS,
    wasm_threads: WASM_THREADS,
    static_sentences: staticSentences,
    static_rounds: staticRounds,
  },
  median_ms: medians,
  peak_mib: peak,
  check_max_abs_diff: checkDiff,
  detail: {
    rounds_ms: Object.fromEntries(totals),
    batches: shapes.map((shape, k) => {
      const at = (c: ConfigName) => calls(c).filter((_, i) => i % units === k);
      return {
        shape,
        sentemb_vs_raw: pairedRatio(at("sentemb-native"), at("raw-ort-last")),
        all_vs_last: pairedRatio(at("raw-ort-all"), at("raw-ort-last")),
      };
    }),
    vs_raw_ort_totals: pairedRatio(
      of("sentemb-native|batches"),
      of("raw-ort-last|batches"),
    ),
    all_layers_overhead_totals: pairedRatio(
      of("raw-ort-all|batches"),
      of("raw-ort-last|batches"),
    ),
  },
};

console.log(flags.json ? JSON.stringify(result, null, 2) : formatTable(result));
