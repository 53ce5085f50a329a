import type { ConfigName } from "./configs.ts";
import type { WorkloadOptions } from "./workload.ts";
import type { StaticFloorResult } from "./static_floor.ts";
import type { ColdStartResult } from "../cold_start.ts";
import { type Int8Result, int8Rows } from "./int8.ts";

/** Targets of issue 7: ratios at most, throughput at least. */
export const TARGETS = {
  vs_transformersjs: 0.6,
  vs_raw_ort: 1.05,
  all_layers_overhead: 1.05,
  static_sentences_per_s: 50_000,
  static_vs_floor: 1.2,
  static_cold_start_ms: 1000,
  // Issue 19.
  wasm_vs_native: 2.0,
  peak_rss_vs_transformersjs: 1.0,
} as const;

/** Everything one run of `deno task bench` measured (the int8 rows unless skipped). */
export interface SpeedResult
  extends StaticFloorResult, ColdStartResult, Partial<Int8Result> {
  /** sentemb / transformers.js wall time (mean pooling, native, same batch rows). */
  readonly vs_transformersjs: number;
  /** sentemb / raw onnxruntime-node loop, batch by batch on the same sorted batches. */
  readonly vs_raw_ort: number;
  /** sentemb on onnxruntime-web (WASM, threads) / on onnxruntime-node. */
  readonly wasm_vs_native: number;
  /**
   * Raw ORT, batch by batch: the rewritten graph fetching every hidden state
   * / the original graph fetching `last_hidden_state`. 1.05 = 5% overhead.
   */
  readonly all_layers_overhead: number;
  readonly static_sentences_per_s: number;
  /** Peak RSS (VmHWM) of sentemb's native process / transformers.js's. */
  readonly peak_rss_vs_transformersjs: number;
  readonly peak_rss_sentemb_mib: number;
  readonly peak_rss_transformersjs_mib: number;
  readonly machine: {
    readonly cores: number;
    readonly load_start: number;
    readonly load_end: number;
  };
  readonly versions: Record<string, string>;
  readonly workload: WorkloadOptions & {
    /** Tokens of the sample, specials included. */
    readonly tokens: number;
    /** sentemb's length-sorted batches of the sample. */
    readonly batches: number;
    readonly rounds: number;
    readonly batch_rows: number;
    readonly batch_tokens: number;
    readonly wasm_threads: number;
    readonly static_sentences: number;
    readonly static_rounds: number;
  };
  /** Median over rounds of each configuration's wall time per kind of call, ms. */
  readonly median_ms: Partial<Record<ConfigName, Record<string, number>>>;
  readonly peak_mib: Partial<Record<ConfigName, number>>;
  /** Largest |sentemb − transformers.js| over 16 mean-pooled vectors. */
  readonly check_max_abs_diff: number;
  /** What the ratios are made of. */
  readonly detail: {
    /** Each configuration's wall time per round and kind of call, ms. */
    readonly rounds_ms: Record<string, number[]>;
    /** Per batch call: its padded shape and the median over rounds of each ratio. */
    readonly batches: ReadonlyArray<{
      readonly shape: readonly [number, number];
      readonly sentemb_vs_raw: number;
      readonly all_vs_last: number;
    }>;
    /** The (b) and (d) ratios of whole-round totals instead of per batch. */
    readonly vs_raw_ort_totals: number;
    readonly all_layers_overhead_totals: number;
  };
}

const s = (ms: number | undefined) =>
  ms === undefined
    ? "–"
    : ms < 1000
    ? `${ms.toFixed(0)} ms`
    : `${(ms / 1000).toFixed(2)} s`;
const x = (r: number) => r.toFixed(3);
const mark = (ok: boolean) => ok ? "yes" : "NO";

/** The run as Markdown: a header, the figures against their targets, and each configuration. */
export const formatTable = (r: SpeedResult): string => {
  const w = r.workload;
  const m = r.median_ms;
  const t = TARGETS;
  const lines = [
    `sentemb speed: ${r.machine.cores} cores, 1-min load ${
      r.machine.load_start.toFixed(1)
    } at start, ${r.machine.load_end.toFixed(1)} at end`,
    Object.entries(r.versions).map(([k, v]) => `${k} ${v}`).join(", "),
    `Transformer figures: ${
      w.sentences >= w.static_sentences
        ? `all ${w.static_sentences}`
        : `${w.sentences} (spread evenly) of the ${w.static_sentences}`
    } STS-B test sentences ` +
    `(${w.tokens} tokens), BERT-base-sized random-weight fixture, batches of at most ` +
    `${w.batch_rows} rows / ${w.batch_tokens} tokens; medians of ${w.rounds} rounds after a warm-up round. ` +
    `(a) embeds the sample in one call per round; (b) and (d) run sentemb's ${w.batches} ` +
    `length-sorted batches one call each and take the median of per-batch ratios; ` +
    `(c) embeds ${w.wasmSentences} of the sentences (WASM with ${w.wasm_threads} threads). ` +
    `(e) embeds all ${w.static_sentences} sentences, median of ${w.static_rounds} passes.`,
    "",
    "| figure | measured | other | ratio | target | met |",
    "|---|---:|---:|---:|---:|:-:|",
    `| (a) sentemb / transformers.js, mean pooling | ${
      s(m["sentemb-native"]?.main)
    } | ${s(m.transformersjs?.main)} | ${
      x(r.vs_transformersjs)
    } | ≤ ${t.vs_transformersjs} | ${
      mark(r.vs_transformersjs <= t.vs_transformersjs)
    } |`,
    `| (b) sentemb / raw onnxruntime-node loop (floor) | ${
      s(m["sentemb-native"]?.batches)
    } | ${s(m["raw-ort-last"]?.batches)} | ${
      x(r.vs_raw_ort)
    } | ≤ ${t.vs_raw_ort} | ${mark(r.vs_raw_ort <= t.vs_raw_ort)} |`,
    `| (c) WASM / native (sentemb) | ${s(m["sentemb-wasm"]?.wasm)} | ${
      s(m["sentemb-native"]?.wasm)
    } | ${x(r.wasm_vs_native)} | ≤ ${t.wasm_vs_native} | ${
      mark(r.wasm_vs_native <= t.wasm_vs_native)
    } |`,
    `| (d) all-layers graph / last-layer graph (raw ORT) | ${
      s(m["raw-ort-all"]?.batches)
    } | ${s(m["raw-ort-last"]?.batches)} | ${
      x(r.all_layers_overhead)
    } | ≤ ${t.all_layers_overhead} | ${
      mark(r.all_layers_overhead <= t.all_layers_overhead)
    } |`,
    `| (e) static random-stems-corpus-idf | ${
      Math.round(r.static_sentences_per_s).toLocaleString("en-US")
    } sentences/s | ${s(m.static?.all)} per pass | – | ≥ ${
      t.static_sentences_per_s.toLocaleString("en-US")
    } | ${mark(r.static_sentences_per_s >= t.static_sentences_per_s)} |`,
    ...staticRows(r),
    `| (f) peak RSS, sentemb native / transformers.js | ${
      Math.round(r.peak_rss_sentemb_mib)
    } MiB | ${Math.round(r.peak_rss_transformersjs_mib)} MiB | ${
      x(r.peak_rss_vs_transformersjs)
    } | ≤ ${t.peak_rss_vs_transformersjs} | ${
      mark(r.peak_rss_vs_transformersjs <= t.peak_rss_vs_transformersjs)
    } |`,
    ...(r.int8_detail ? int8Rows(r as Int8Result) : []),
    "",
    "| configuration | median wall | peak RSS (VmHWM) |",
    "|---|---:|---:|",
    ...Object.entries(r.peak_mib).map(([name, mib]) =>
      `| ${name} | ${
        Object.entries(m[name as ConfigName] ?? {}).map(([call, ms]) =>
          `${s(ms)} (${call})`
        ).join(", ")
      } | ${Math.round(mib)} MiB |`
    ),
    "",
    `(b) and (d) as ratios of whole-round totals instead of per batch: ${
      x(r.detail.vs_raw_ort_totals)
    } and ${x(r.detail.all_layers_overhead_totals)}.`,
    `Cross-check: sentemb and transformers.js mean vectors differ by at most ${
      r.check_max_abs_diff.toExponential(1)
    }.`,
  ];
  return lines.join("\n");
};

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

/** The static floor, cold start and deployment rows (issue 19). */
const staticRows = (r: SpeedResult): string[] => {
  const f = r.static_floor.median_ms;
  const c = r.cold_start_ms;
  const d = r.deploy_bytes;
  const t = TARGETS;
  const per = (n: number) =>
    `${Math.round(n).toLocaleString("en-US")} sentences/s`;
  return [
    `| (f) static / its floor (same ids, sums only) | ${s(f.pipeline_2048)} | ${
      s(Math.min(f.floor_js, f.floor_wasm))
    } | ${x(r.static_vs_floor)} | ≤ ${t.static_vs_floor} | ${
      mark(r.static_vs_floor <= t.static_vs_floor)
    } |`,
    `| (g) static at 2048-d / 1024-d | ${
      per(r.static_sentences_per_s_2048)
    } | ${per(r.static_sentences_per_s_1024)} | – | – | – |`,
    `| (h) cold start, static (cold / warm cache) | ${s(c.static_cold)} | ${
      s(c.static_warm)
    } | – | < ${s(t.static_cold_start_ms)} | ${
      mark(c.static_cold < t.static_cold_start_ms)
    } |`,
    `| (h) cold start, static, bundled edge/deploy.ts (\`deno serve\`) | ${
      s(c.static_bundle)
    } | – | – | < ${s(t.static_cold_start_ms)} | ${
      mark(c.static_bundle < t.static_cold_start_ms)
    } |`,
    `| (h) cold start, ${r.cold_start.pipelines.transformer} (cold / warm cache) | ${
      s(c.transformer_cold)
    } | ${s(c.transformer_warm)} | – | – | – |`,
    `| (i) deploy bytes: static only / with ORT WASM + graph | ${
      mib(d.static_only)
    } | ${mib(d.with_transformer)} | – | – | – |`,
  ];
};
