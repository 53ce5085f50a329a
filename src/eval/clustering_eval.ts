import type { EmbedError } from "../pipeline/embedder.ts";
import type { LoadError } from "../stages/resources.ts";
import type { DataError } from "../errors.ts";
import { Effect } from "effect";
import { clusteringAccuracy, nmi } from "./cluster_metrics.ts";
import { loadClusteringTask } from "./clustering_data.ts";
import {
  CLUSTERING_TASKS,
  type ClusteringTaskName,
} from "./clustering_tasks.ts";
import type { Gemm } from "./gemm.ts";
import { kmeans } from "./kmeans.ts";
import { contentHash, memoResult } from "./result_cache.ts";
import type { SentenceEncoder } from "./sentence_encoder.ts";

/** One clustering task's score. */
export interface ClusteringTaskScore {
  /** Hungarian-matched accuracy ×100, mean over seeds. */
  readonly acc: number;
  /** NMI ×100, mean over seeds. */
  readonly nmi: number;
  /** The standard deviation of `acc` over seeds. */
  readonly accStd: number;
  /** The standard deviation of `nmi` over seeds. */
  readonly nmiStd: number;
  /** The number of texts clustered. */
  readonly rows: number;
  /** The number of clusters (gold classes). */
  readonly k: number;
  /** The number of k-means seeds averaged. */
  readonly seeds: number;
  /** Whether the score came from the result cache. */
  readonly cached: boolean;
}

/** The clustering suite's result: each task's score and the averages. */
export interface ClusteringReport {
  /** Each task's score (the tasks run). */
  readonly tasks: Partial<Record<ClusteringTaskName, ClusteringTaskScore>>;
  /** Clustering accuracy, averaged over the tasks. */
  readonly acc: number;
  /** Normalised mutual information, averaged over the tasks. */
  readonly nmi: number;
}

/** How the clustering suite runs. */
export interface ClusteringOptions {
  /** The matrix product used. */
  readonly gemm: Gemm;
  /** The tasks to run (default: the default ones). */
  readonly tasks?: ReadonlyArray<ClusteringTaskName>;
  /** k-means runs per task, seeds 1 … seeds (default 5). */
  readonly seeds?: number;
  /** Called when a task starts. */
  readonly onStart?: (
    task: ClusteringTaskName,
    index: number,
    total: number,
  ) => void;
  /** Called with each task's score when it is done. */
  readonly onTask?: (
    task: ClusteringTaskName,
    score: ClusteringTaskScore,
  ) => void;
}

// Bump when k-means or the metrics change what a score would be.
const PROTOCOL_VERSION = "clustering-v1";

const meanStd = (xs: number[]) => {
  const m = xs.reduce((s, x) => s + x, 0) / xs.length;
  const v = xs.reduce((s, x) => s + (x - m) ** 2, 0) / xs.length;
  return [m, Math.sqrt(v)] as const;
};

/** Unit-length copy of each row (zero rows stay zero). */
export const l2Rows = (x: Float32Array, n: number, d: number): Float32Array => {
  const out = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += x[i * d + j] * x[i * d + j];
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let j = 0; j < d; j++) out[i * d + j] = x[i * d + j] * inv;
  }
  return out;
};

/** The report of the tasks scored: their mean ACC and NMI. */
export const clusteringReport = (
  out: Partial<Record<ClusteringTaskName, ClusteringTaskScore>>,
): ClusteringReport => {
  const scores = Object.values(out);
  return {
    tasks: out,
    acc: meanStd(scores.map((s) => s!.acc))[0],
    nmi: meanStd(scores.map((s) => s!.nmi))[0],
  };
};

/**
 * The clustering suite (METHODS §7): k-means++ with k = the number of gold
 * classes on L2-normalised vectors, averaged over fixed seeds; ACC and NMI.
 * A transductive pipeline is fitted on the set's own texts.
 */
export const evaluateClustering: (
  encoder: SentenceEncoder,
  dataDir: string,
  options: ClusteringOptions,
) => Effect.Effect<ClusteringReport, DataError | LoadError | EmbedError> =
  Effect.fn(
    "evaluateClustering",
  )(function* (
    encoder: SentenceEncoder,
    dataDir: string,
    options: ClusteringOptions,
  ) {
    const tasks = options.tasks ?? CLUSTERING_TASKS;
    const seeds = options.seeds ?? 5;
    const out: Partial<Record<ClusteringTaskName, ClusteringTaskScore>> = {};
    for (let t = 0; t < tasks.length; t++) {
      const task = tasks[t];
      options.onStart?.(task, t, tasks.length);
      const set = yield* loadClusteringTask(dataDir, task);
      const e = yield* (yield* encoder.fit(set.texts)).embed(set.texts);
      const x = l2Rows(e.data, e.rows, e.dim);
      const key = contentHash(
        PROTOCOL_VERSION,
        task,
        String(seeds),
        String(e.dim),
        x,
        set.labels,
      );
      const { value, cached } = yield* Effect.promise(() =>
        memoResult("results", key, async () => {
          const accs: number[] = [], nmis: number[] = [];
          for (let s = 1; s <= seeds; s++) {
            const r = await kmeans(
              options.gemm,
              x,
              e.rows,
              e.dim,
              set.classes,
              s,
            );
            accs.push(clusteringAccuracy(set.labels, r.assignment));
            nmis.push(nmi(set.labels, r.assignment));
          }
          const [acc, accStd] = meanStd(accs);
          const [n, nmiStd] = meanStd(nmis);
          return {
            acc,
            nmi: n,
            accStd,
            nmiStd,
            rows: e.rows,
            k: set.classes,
            seeds,
          };
        })
      );
      const score = { ...value, cached };
      out[task] = score;
      options.onTask?.(task, score);
    }
    return clusteringReport(out);
  });
