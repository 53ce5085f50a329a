import type { ClassificationReport } from "../src/eval/classification_eval.ts";
import { CLASSIFICATION_TASKS } from "../src/eval/classification_tasks.ts";
import type { ClusteringReport } from "../src/eval/clustering_eval.ts";
import {
  CLUSTERING_EXTRAS,
  CLUSTERING_TASKS,
} from "../src/eval/clustering_tasks.ts";
import type { Isotropy } from "../src/eval/isotropy.ts";
import type { StsReport } from "../src/eval/sts_eval.ts";
import { STS_TASKS } from "../src/eval/sts_tasks.ts";

export type Suite = "sts" | "clustering" | "classification";
export const SUITES: ReadonlyArray<Suite> = [
  "sts",
  "clustering",
  "classification",
];

/** Everything one pipeline scored in one run. */
export interface PipelineResult {
  readonly pipeline: string;
  readonly hash: string;
  /** Grid axes (pooling, weighting, ...) for a grid variant. */
  readonly axes?: Readonly<Record<string, string>>;
  readonly sts?: StsReport;
  readonly clustering?: ClusteringReport;
  readonly classification?: ClassificationReport;
  readonly isotropy?: Isotropy;
  readonly seconds: number;
}

/** Headline score per task, in table order: STS Spearman, clustering ACC, classification accuracy. */
export const headlineTasks = (r: PipelineResult): Record<string, number> => {
  const out: Record<string, number> = {};
  if (r.sts) {
    for (const t of STS_TASKS) {
      if (r.sts.tasks[t]) out[t] = r.sts.tasks[t].spearman;
    }
  }
  if (r.clustering) {
    for (const t of [...CLUSTERING_TASKS, ...CLUSTERING_EXTRAS]) {
      const s = r.clustering.tasks[t];
      if (s) out[t] = s.acc;
    }
  }
  if (r.classification) {
    for (const t of CLASSIFICATION_TASKS) {
      const s = r.classification.tasks[t];
      if (s) out[t] = s.accuracy;
    }
  }
  return out;
};

/** Mean per suite (STS: avg8; clustering: ACC and NMI; classification: accuracy). */
export const suiteAverages = (r: PipelineResult): Record<string, number> => ({
  ...(r.sts ? { stsAvg8: r.sts.avg8, stsAvg7: r.sts.avg7 } : {}),
  ...(r.clustering
    ? { clusteringAcc: r.clustering.acc, clusteringNmi: r.clustering.nmi }
    : {}),
  ...(r.classification ? { classification: r.classification.average } : {}),
});

/**
 * The `--json` object: the STS-only shape of earlier versions (`pipeline`,
 * `hash`, `suite`, `variant`, `metric`, `tasks`, `pearson`, `avg7`, `avg8`,
 * `seconds`) plus `averages` per suite and each suite's details.
 */
export const resultJson = (
  r: PipelineResult,
  suite: string,
  variant: string,
) => ({
  pipeline: r.pipeline,
  hash: r.hash,
  ...(r.axes ? { axes: r.axes } : {}),
  suite,
  variant,
  metric: suite === "sts"
    ? "spearman x100"
    : "sts: spearman x100; clustering: ACC x100 (NMI in clustering); classification: accuracy x100",
  tasks: headlineTasks(r),
  ...(r.sts
    ? {
      pearson: Object.fromEntries(
        STS_TASKS.filter((t) => r.sts!.tasks[t]).map((
          t,
        ) => [t, r.sts!.tasks[t].pearson]),
      ),
      avg7: r.sts.avg7,
      avg8: r.sts.avg8,
    }
    : {}),
  averages: suiteAverages(r),
  ...(r.clustering ? { clustering: r.clustering.tasks } : {}),
  ...(r.classification ? { classification: r.classification.tasks } : {}),
  ...(r.isotropy ? { isotropy: r.isotropy } : {}),
  seconds: r.seconds,
});

/**
 * For a grid: the best variant by each suite average (higher is better),
 * so the recipe to declare as a pipeline can be read off directly.
 */
export const bestPerSuite = (
  results: ReadonlyArray<PipelineResult>,
): Record<
  string,
  { pipeline: string; score: number; axes?: Record<string, string> }
> => {
  const best: Record<
    string,
    { pipeline: string; score: number; axes?: Record<string, string> }
  > = {};
  for (const r of results) {
    for (const [metric, score] of Object.entries(suiteAverages(r))) {
      if (!(metric in best) || score > best[metric].score) {
        best[metric] = {
          pipeline: r.pipeline,
          score,
          ...(r.axes ? { axes: { ...r.axes } } : {}),
        };
      }
    }
  }
  return best;
};

/** The best-per-suite table of a grid, in Markdown. */
export const bestMarkdown = (
  results: ReadonlyArray<PipelineResult>,
): string => {
  const best = bestPerSuite(results);
  return [
    "## Best per suite",
    "",
    "| metric | best variant | score |",
    "|---|---|---:|",
    ...Object.entries(best).map(([m, b]) =>
      `| ${m} | ${b.pipeline} | ${b.score.toFixed(2)} |`
    ),
  ].join("\n");
};
