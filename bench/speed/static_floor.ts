/**
 * The static pipeline against its floor (issue 19): the default static
 * pipeline's wall time on every STS-B test sentence against a minimal loop
 * over the same token ids, tokenized once before the clock starts: one
 * table row per distinct id, each kept token's weight, and per sentence a
 * weighted sum into one new Float32Array for the whole run, nothing else. Two floors are timed,
 * the plain JavaScript loop and the same sum by the WebAssembly SIMD kernel
 * the pipeline pools with (`row_arena.ts`); the faster is the floor.
 * Alone: `deno run -A bench/speed/static_floor.ts [--rounds 9]`.
 * @module
 */
import { Effect, Layer, ManagedRuntime } from "effect";
import { PIPELINES } from "../../pipelines/mod.ts";
import { readStatisticsArtifact } from "../../src/artifact/artifact_store.ts";
import { forwardLayer } from "../../src/forward/service.ts";
import { loadStsTask } from "../../src/eval/sts_data.ts";
import {
  artifactDirs,
  type Paths,
  pathsFromEnv,
  pathsLayer,
} from "../../src/paths.ts";
import { pipelineHash, withoutArtifact } from "../../src/pipeline/hash.ts";
import { assemblePipeline } from "../../src/pipeline/assemble.ts";
import type { Embedder } from "../../src/pipeline/load.ts";
import { serverResources } from "../../src/pipeline/server_resources.ts";
import type { PipelineResources } from "../../src/stages/resources.ts";
import type { PipelineSpec } from "../../src/pipeline/spec.ts";
import { moduleOf } from "../../src/stages/registry.ts";
import { filterModule } from "../../src/stages/filter.ts";
import type { WeightingModule } from "../../src/stages/token_modules.ts";
import { randomVector } from "../../src/static/random_encoder.ts";
import { rowArena } from "../../src/static/row_arena.ts";
import type { TokenStats } from "../../src/tokenize/token_stats.ts";
import { STATIC_PIPELINE } from "./configs.ts";
import { median, pairedRatio } from "./stats.ts";

/** What {@link measureStaticFloor} reports (keys of `deno task bench --json`). */
export interface StaticFloorResult {
  /** Pipeline wall time / floor wall time, median of paired rounds. */
  readonly static_vs_floor: number;
  /** The default static pipeline (2048-d), median of the rounds. */
  readonly static_sentences_per_s_2048: number;
  /** The same pipeline with its random vectors at 1024-d. */
  readonly static_sentences_per_s_1024: number;
  readonly static_floor: {
    readonly pipeline: string;
    readonly sentences: number;
    readonly rounds: number;
    /** Tokens the floor sums (kept tokens, all sentences). */
    readonly tokens: number;
    readonly median_ms: {
      readonly pipeline_2048: number;
      readonly pipeline_1024: number;
      readonly floor_js: number;
      readonly floor_wasm: number;
    };
    /**
     * Fastest pipeline run / fastest floor run: on a loaded machine the
     * minima are the runs least disturbed, a check on the median ratio.
     */
    readonly ratio_of_minima: number;
    /** Largest |pipeline − floor| over every component: the same sums. */
    readonly max_abs_diff: number;
  };
}

/** `spec` with its random vectors at `dim` (its artifact's statistics do not depend on it). */
const withDim = (spec: PipelineSpec, dim: number): PipelineSpec => ({
  ...spec,
  name: `${spec.name}-${dim}`,
  stages: spec.stages.map((d) =>
    d._tag === "randomVectors" ? { ...d, dim } : d
  ),
});

/** The floor's inputs: per kept token a table row and a weight; per sentence its span and total. */
interface FloorInput {
  readonly dim: number;
  readonly table: Float32Array;
  readonly handles: Int32Array;
  readonly rowOf: Int32Array;
  readonly weights: Float32Array;
  readonly starts: Int32Array;
  readonly totals: Float32Array;
}

/** Tokenizes, filters and weighs once, as the pipeline would; builds the table. */
const floorInput = (
  embedder: Embedder,
  texts: ReadonlyArray<string>,
  stats: TokenStats,
): FloorInput => {
  const plan = embedder.plan;
  if (plan.vectors._tag !== "randomVectors") {
    throw new Error(`${embedder.spec.name} has no random vectors`);
  }
  const { dim, seed } = plan.vectors;
  const weight = plan.weighting
    ? (moduleOf(plan.weighting) as WeightingModule).weight(
      plan.weighting,
      () => stats,
    )
    : () => 1;
  const keep = plan.filter
    ? filterModule.keep(plan.filter, () => stats)
    : () => true;
  const ids: number[] = [], ws: number[] = [];
  const starts = new Int32Array(texts.length + 1);
  const totals = new Float32Array(texts.length);
  for (const [s, t] of embedder.tokenize(texts).entries()) {
    // The pipeline's fallbacks: all dropped → unfiltered; all weights zero → unweighted.
    const pick = (filtered: boolean, weighted: boolean) => {
      const at: number[] = [], w: number[] = [];
      for (let i = 0; i < t.ids.length; i++) {
        const special = t.special[i] === 1;
        if (filtered ? !keep(t.tokens[i], special) : special) continue;
        at.push(t.ids[i]);
        w.push(weighted ? weight(t.tokens[i]) : 1);
      }
      return { at, w, sum: w.reduce((a, b) => a + b, 0) };
    };
    let p = pick(true, true);
    if (p.at.length === 0) p = pick(false, true);
    if (p.sum <= 0) p = pick(true, false);
    if (p.sum <= 0) p = pick(false, false);
    ids.push(...p.at);
    ws.push(...p.w);
    starts[s + 1] = ids.length;
    totals[s] = p.sum;
  }
  const distinct = new Map<number, number>();
  const rowOf = Int32Array.from(ids, (id) => {
    let r = distinct.get(id);
    if (r === undefined) distinct.set(id, r = distinct.size);
    return r;
  });
  const table = new Float32Array(distinct.size * dim);
  for (const [id, r] of distinct) {
    randomVector(seed, id, table.subarray(r * dim, (r + 1) * dim));
  }
  return {
    dim,
    table,
    handles: new Int32Array(0),
    rowOf,
    weights: Float32Array.from(ws),
    starts,
    totals,
  };
};

/** The floor in JavaScript: four rows per pass over `out`, float32 throughout. */
const floorJs = (f: FloorInput, out: Float32Array): void => {
  const { dim, table, rowOf, weights, starts, totals } = f;
  for (let s = 0; s + 1 < starts.length; s++) {
    const o = s * dim;
    let k = starts[s];
    const end = starts[s + 1];
    for (; k + 4 <= end; k += 4) {
      const a = rowOf[k] * dim, b = rowOf[k + 1] * dim;
      const c = rowOf[k + 2] * dim, d = rowOf[k + 3] * dim;
      const wa = weights[k], wb = weights[k + 1];
      const wc = weights[k + 2], wd = weights[k + 3];
      for (let j = 0; j < dim; j++) {
        out[o + j] += wa * table[a + j] + wb * table[b + j] +
          wc * table[c + j] + wd * table[d + j];
      }
    }
    for (; k < end; k++) {
      const a = rowOf[k] * dim, wa = weights[k];
      for (let j = 0; j < dim; j++) out[o + j] += wa * table[a + j];
    }
    const t = totals[s];
    for (let j = 0; j < dim; j++) out[o + j] /= t;
  }
};

/**
 * The floor on the pipeline's SIMD kernel, called as the pipeline calls it
 * (`weightedMeans`: every sentence's rows in one list, no view per
 * sentence); the table copied into its memory once.
 */
const floorWasm = (f: FloorInput) => {
  const arena = rowArena(f.dim);
  if (arena === undefined) return undefined;
  const rows = f.table.length / f.dim;
  const handleOf = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    handleOf[r] = arena.add((row) =>
      row.set(f.table.subarray(r * f.dim, (r + 1) * f.dim))
    );
  }
  const handles = Int32Array.from(f.rowOf, (r) => handleOf[r]);
  const n = f.totals.length;
  const totals = Float64Array.from(f.totals);
  const at = Int32Array.from({ length: n }, (_, s) => s * f.dim);
  return (out: Float32Array) =>
    arena.weightedMeans(handles, f.weights, f.starts, totals, at, n, out);
};

const time = async (f: () => unknown | Promise<unknown>): Promise<number> => {
  const t = performance.now();
  await f();
  return performance.now() - t;
};

/**
 * Times the default static pipeline (2048-d and 1024-d) and its floor on
 * `texts`, one warm-up then `rounds` rounds, each round running all four
 * back to back so that every ratio pairs times taken moments apart.
 */
export const measureStaticFloor = async (
  paths: Paths["Service"],
  texts: ReadonlyArray<string>,
  rounds: number,
  log: (msg: string) => void = () => {},
): Promise<StaticFloorResult> => {
  const spec = PIPELINES.find((p) => p.name === STATIC_PIPELINE)!;
  const runtime = ManagedRuntime.make(Layer.mergeAll(
    pathsLayer(paths),
    forwardLayer("native", {}),
  ));
  try {
    // Both read the shipped artifact (token statistics, the same at any
    // dim): refitting on the corpus would leave its sentences on the heap,
    // and every major GC of the timed runs would walk them.
    const fittedFor = pipelineHash(withoutArtifact(spec));
    const load = (s: PipelineSpec) =>
      runtime.runPromise(Effect.gen(function* () {
        const base = yield* serverResources;
        const resources: PipelineResources = {
          ...base,
          artifact: (hash) => base.artifact(hash, fittedFor),
        };
        const p = yield* assemblePipeline(s, resources);
        return yield* p.fit(["a fitting sentence"]);
      }));
    const e2048 = await load(spec);
    const e1024 = await load(withDim(spec, 1024));
    const stats = (await runtime.runPromise(readStatisticsArtifact(
      artifactDirs(paths),
      spec.artifact!,
      fittedFor,
    ))).stats!;
    const input = floorInput(e2048, texts, stats);
    const wasm = floorWasm(input);
    const dim = input.dim;
    const embed = (e: Embedder) => Effect.runPromise(e.embed(texts));
    // Like the pipeline, each run writes a new array (the pipeline returns
    // its vectors; reusing one array would leave its page faults out).
    let outJs = new Float32Array(0), outWasm = new Float32Array(0);
    const fresh = () => new Float32Array(texts.length * dim);
    const ms = {
      p2048: [] as number[],
      p1024: [] as number[],
      js: [] as number[],
      wasm: [] as number[],
    };
    for (let r = -1; r < rounds; r++) {
      const p2048 = await time(() => embed(e2048));
      const js = await time(() => floorJs(input, outJs = fresh()));
      const w = wasm ? await time(() => wasm(outWasm = fresh())) : Infinity;
      const p1024 = await time(() => embed(e1024));
      if (r < 0) continue;
      ms.p2048.push(p2048), ms.p1024.push(p1024);
      ms.js.push(js), ms.wasm.push(w);
      log(
        `static round ${r + 1}/${rounds}: pipeline ${
          p2048.toFixed(0)
        } ms, floor ${Math.min(js, w).toFixed(0)} ms`,
      );
    }
    const vectors = (await embed(e2048)).data;
    const floorVectors = wasm ? outWasm : outJs;
    const maxAbsDiff = vectors.reduce(
      (m, v, i) => Math.max(m, Math.abs(v - floorVectors[i])),
      0,
    );
    const floor = ms.js.map((x, r) => Math.min(x, ms.wasm[r]));
    return {
      static_vs_floor: pairedRatio(ms.p2048, floor),
      static_sentences_per_s_2048: texts.length / (median(ms.p2048) / 1000),
      static_sentences_per_s_1024: texts.length / (median(ms.p1024) / 1000),
      static_floor: {
        pipeline: STATIC_PIPELINE,
        sentences: texts.length,
        rounds,
        tokens: input.rowOf.length,
        median_ms: {
          pipeline_2048: median(ms.p2048),
          pipeline_1024: median(ms.p1024),
          floor_js: median(ms.js),
          floor_wasm: median(ms.wasm),
        },
        ratio_of_minima: Math.min(...ms.p2048) / Math.min(...floor),
        max_abs_diff: maxAbsDiff,
      },
    };
  } finally {
    await runtime.dispose();
  }
};

/** Every STS-B test sentence: what the static figures embed. */
export const stsTestSentences = async (
  paths: Paths["Service"],
): Promise<string[]> => {
  const sts = await Effect.runPromise(
    loadStsTask(paths.data, "STSBenchmark", "raw"),
  );
  return [...sts.s1, ...sts.s2];
};

if (import.meta.main) {
  const i = Deno.args.indexOf("--rounds");
  const rounds = i >= 0 ? Number(Deno.args[i + 1]) : 9;
  const paths = { ...pathsFromEnv(), allowRemote: false };
  const r = await measureStaticFloor(
    paths,
    await stsTestSentences(paths),
    rounds,
    (m) => console.error(m),
  );
  console.log(JSON.stringify(r, null, 2));
}
