import type { EmbedError } from "../pipeline/embedder.ts";
import type { LoadError } from "../stages/resources.ts";
import type { DataError } from "../errors.ts";
import { Effect } from "effect";
import { cosine, row } from "../embeddings.ts";
import type { LoadedPipeline } from "../pipeline/load.ts";
import { pearson, spearman } from "./correlation.ts";
import { loadStsTask, type StsVariant } from "./sts_data.ts";
import { AVG7_TASKS, STS_TASKS, type StsTaskName } from "./sts_tasks.ts";

export type { StsVariant };

/** One STS task's score. */
export interface StsTaskScore {
  /** The number of pairs scored. */
  readonly pairs: number;
  /** Spearman ×100 between cosine similarity and gold (the headline). */
  readonly spearman: number;
  /** Pearson ×100 between cosine similarity and gold. */
  readonly pearson: number;
}

/** The STS suite's result: each task's correlations and the averages. */
export interface StsReport {
  /** Which version of the data was scored. */
  readonly variant: StsVariant;
  /** Each task's score. */
  readonly tasks: Record<StsTaskName, StsTaskScore>;
  /** The average Spearman correlation over the seven classic tasks. */
  readonly avg7: number;
  /** The average Spearman correlation over all eight tasks. */
  readonly avg8: number;
}

const mean = (xs: ReadonlyArray<number>) =>
  xs.reduce((s, x) => s + x, 0) / xs.length;

/**
 * The report of the tasks scored (in table order): averages over those of
 * them that count (avg7 without BIOSSES); NaN for an average with none.
 */
export const stsReport = (
  variant: StsVariant,
  tasks: Partial<Record<StsTaskName, StsTaskScore>>,
): StsReport => {
  const done = (ts: ReadonlyArray<StsTaskName>) =>
    ts.filter((t) => tasks[t] !== undefined).map((t) => tasks[t]!.spearman);
  return {
    variant,
    tasks: tasks as Record<StsTaskName, StsTaskScore>,
    avg7: mean(done(AVG7_TASKS)),
    avg8: mean(done(STS_TASKS)),
  };
};

/**
 * The 8-task STS suite (METHODS §7), or the tasks `only` names. A
 * transductive pipeline is fitted on each task's own sentences (both sides,
 * no gold scores) before embedding.
 */
export const evaluateSts: (
  pipeline: LoadedPipeline,
  dataDir: string,
  variant: StsVariant,
  onTask?: (task: StsTaskName, score: StsTaskScore) => void,
  only?: ReadonlyArray<StsTaskName>,
) => Effect.Effect<StsReport, DataError | LoadError | EmbedError> = Effect.fn(
  "evaluateSts",
)(function* (
  pipeline: LoadedPipeline,
  dataDir: string,
  variant: StsVariant,
  onTask?: (task: StsTaskName, score: StsTaskScore) => void,
  only?: ReadonlyArray<StsTaskName>,
) {
  const tasks = {} as Record<StsTaskName, StsTaskScore>;
  for (const task of STS_TASKS) {
    if (only !== undefined && !only.includes(task)) continue;
    const pairs = yield* loadStsTask(dataDir, task, variant);
    const embedder = yield* pipeline.fit([...pairs.s1, ...pairs.s2]);
    const a = yield* embedder.embed(pairs.s1);
    const b = yield* embedder.embed(pairs.s2);
    const sims = new Float64Array(pairs.gold.length);
    for (let i = 0; i < sims.length; i++) {
      sims[i] = cosine(row(a, i), row(b, i));
    }
    const score = {
      pairs: sims.length,
      spearman: 100 * spearman(sims, pairs.gold),
      pearson: 100 * pearson(sims, pairs.gold),
    };
    tasks[task] = score;
    onTask?.(task, score);
  }
  return stsReport(variant, tasks);
});
