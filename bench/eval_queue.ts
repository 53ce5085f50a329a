import { Cause, Effect, Exit } from "effect";
import type { Context } from "effect";
import {
  classificationReport,
  type ClassificationTaskScore,
  evaluateClassification,
} from "../src/eval/classification_eval.ts";
import type { ClassificationTaskName } from "../src/eval/classification_tasks.ts";
import {
  clusteringReport,
  type ClusteringTaskScore,
  evaluateClustering,
} from "../src/eval/clustering_eval.ts";
import type { ClusteringTaskName } from "../src/eval/clustering_tasks.ts";
import type { Gemm } from "../src/eval/gemm.ts";
import type { GridVariant } from "../src/eval/grid.ts";
import type { Isotropy } from "../src/eval/isotropy.ts";
import {
  evaluateSts,
  stsReport,
  type StsTaskScore,
  type StsVariant,
} from "../src/eval/sts_eval.ts";
import type { StsTaskName } from "../src/eval/sts_tasks.ts";
import { pipelineHash } from "../src/pipeline/hash.ts";
import { type LoadedPipeline, loadPipeline } from "../src/pipeline/load.ts";
import { type EvalJob, evalJobKey } from "../src/queue/eval_job.ts";
import type { Services } from "../src/services.ts";
import type { PipelineResult } from "./eval_result.ts";
import { isotropyOf, type RunSettings, suiteTasks } from "./run_suites.ts";

/** What a done job's result holds: its score and how long it took. */
export interface JobResult {
  readonly score: unknown;
  readonly seconds: number;
}

type GridSettings = Pick<RunSettings, "suites" | "extras" | "tasks"> & {
  readonly variant: StsVariant;
};

/**
 * The jobs of a grid: per variant (in grid order) each task of the chosen
 * suites (in table order), then its isotropy, as a local run does them.
 */
export const gridJobs = (
  variants: ReadonlyArray<GridVariant | { spec: GridVariant["spec"] }>,
  s: GridSettings,
): EvalJob[] =>
  variants.flatMap((v) => {
    const hash = pipelineHash(v.spec);
    const tasks = [
      ...suiteTasks(s),
      { suite: "isotropy" as const, task: "STSBenchmark" },
    ];
    return tasks.map(({ suite, task }) => ({
      key: evalJobKey(hash, s.variant, suite, task),
      pipeline: v.spec.name,
      hash,
      spec: v.spec,
      ...("axes" in v ? { axes: v.axes } : {}),
      suite,
      task,
      variant: s.variant,
    }));
  });

/**
 * Scores one job with the suites' own code (clustering and classification
 * write the result cache as a local run does), for a worker to run with the
 * services of its process (`context`).
 */
export const jobRunner = (
  context: Context.Context<Services>,
  settings: { readonly dataDir: string; readonly gemm: Gemm },
) => {
  const loaded = new Map<string, Promise<LoadedPipeline>>();
  const run = async <A, E>(
    effect: Effect.Effect<A, E, Services> | Effect.Effect<A, E>,
  ): Promise<A> => {
    const exit = await Effect.runPromiseExitWith(context)(effect);
    if (Exit.isSuccess(exit)) return exit.value;
    const failure = exit.cause.reasons.find(Cause.isFailReason);
    const e = failure?.error as { message?: string } | undefined;
    throw new Error(e?.message ?? Cause.pretty(exit.cause));
  };
  return async (job: EvalJob): Promise<JobResult> => {
    const started = performance.now();
    let p = loaded.get(job.hash);
    if (p === undefined) {
      p = run(loadPipeline(job.spec));
      loaded.set(job.hash, p);
      p.catch(() => loaded.delete(job.hash));
    }
    const pipeline = await p;
    const variant = job.variant as StsVariant;
    const score: unknown = await run<unknown, unknown>(
      job.suite === "sts"
        ? Effect.map(
          evaluateSts(pipeline, settings.dataDir, variant, undefined, [
            job.task as StsTaskName,
          ]),
          (r) => r.tasks[job.task as StsTaskName],
        )
        : job.suite === "clustering"
        ? Effect.map(
          evaluateClustering(pipeline, settings.dataDir, {
            gemm: settings.gemm,
            tasks: [job.task as ClusteringTaskName],
          }),
          (r) => r.tasks[job.task as ClusteringTaskName],
        )
        : job.suite === "classification"
        ? Effect.map(
          evaluateClassification(pipeline, settings.dataDir, {
            gemm: settings.gemm,
            tasks: [job.task as ClassificationTaskName],
          }),
          (r) => r.tasks[job.task as ClassificationTaskName],
        )
        : isotropyOf(pipeline, { ...settings, variant }),
    );
    if (score === undefined) {
      throw new Error(`no task "${job.task}" in the ${job.suite} suite`);
    }
    return { score, seconds: (performance.now() - started) / 1000 };
  };
};

/**
 * The grid's results, built from its jobs' results as a local run builds
 * them (same task order, same averages): undefined until every job is done.
 */
export const assembleResults = (
  variants: ReadonlyArray<GridVariant | { spec: GridVariant["spec"] }>,
  s: GridSettings,
  results: ReadonlyMap<string, unknown>,
): PipelineResult[] | undefined => {
  const jobs = gridJobs(variants, s);
  if (jobs.some((j) => !results.has(j.key))) return undefined;
  const out: PipelineResult[] = [];
  for (const v of variants) {
    const hash = pipelineHash(v.spec);
    const mine = jobs.filter((j) => j.hash === hash);
    const of = (suite: EvalJob["suite"]) => {
      const got: Record<string, unknown> = {};
      for (const j of mine) {
        if (j.suite === suite) {
          got[j.task] = (results.get(j.key) as JobResult).score;
        }
      }
      return got;
    };
    const seconds = mine.reduce(
      (t, j) => t + (results.get(j.key) as JobResult).seconds,
      0,
    );
    const iso = mine.find((j) => j.suite === "isotropy")!;
    out.push({
      pipeline: v.spec.name,
      hash,
      seconds,
      ...("axes" in v ? { axes: v.axes } : {}),
      ...(s.suites.includes("sts")
        ? {
          sts: stsReport(
            s.variant,
            of("sts") as Partial<Record<StsTaskName, StsTaskScore>>,
          ),
        }
        : {}),
      ...(s.suites.includes("clustering")
        ? {
          clustering: clusteringReport(
            of("clustering") as Partial<
              Record<ClusteringTaskName, ClusteringTaskScore>
            >,
          ),
        }
        : {}),
      ...(s.suites.includes("classification")
        ? {
          classification: classificationReport(
            of("classification") as Partial<
              Record<ClassificationTaskName, ClassificationTaskScore>
            >,
          ),
        }
        : {}),
      isotropy: (results.get(iso.key) as JobResult).score as Isotropy,
    });
  }
  return out;
};
