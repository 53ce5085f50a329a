import { Effect } from "effect";
import { evaluateClassification } from "../src/eval/classification_eval.ts";
import {
  CLASSIFICATION_TASKS,
  type ClassificationTaskName,
} from "../src/eval/classification_tasks.ts";
import { evaluateClustering } from "../src/eval/clustering_eval.ts";
import {
  CLUSTERING_EXTRAS,
  CLUSTERING_TASKS,
  type ClusteringTaskName,
} from "../src/eval/clustering_tasks.ts";
import type { Gemm } from "../src/eval/gemm.ts";
import { isotropy } from "../src/eval/isotropy.ts";
import { loadStsTask } from "../src/eval/sts_data.ts";
import { evaluateSts, type StsVariant } from "../src/eval/sts_eval.ts";
import { STS_TASKS } from "../src/eval/sts_tasks.ts";
import type { LoadedPipeline } from "../src/pipeline/load.ts";
import { type PipelineResult, type Suite, SUITES } from "./eval_result.ts";
import type { StsTaskName } from "../src/eval/sts_tasks.ts";
import type { Progress } from "./progress.ts";

export interface RunSettings {
  readonly dataDir: string;
  readonly suites: ReadonlyArray<Suite>;
  readonly variant: StsVariant;
  readonly extras: boolean;
  readonly gemm: Gemm;
  readonly progress: Progress;
  /** Only these tasks of the suites (`--tasks`); all when absent. */
  readonly tasks?: ReadonlyArray<string>;
}

/** The tasks of each chosen suite, in table order (`--tasks` kept to). */
export const suiteTasks = (
  s: Pick<RunSettings, "suites" | "extras" | "tasks">,
): Array<{ suite: Suite; task: string }> => {
  const out: Array<{ suite: Suite; task: string }> = [];
  const of = (suite: Suite): ReadonlyArray<string> =>
    suite === "sts"
      ? STS_TASKS
      : suite === "clustering"
      ? [...CLUSTERING_TASKS, ...(s.extras ? CLUSTERING_EXTRAS : [])]
      : CLASSIFICATION_TASKS;
  for (const suite of SUITES) {
    if (!s.suites.includes(suite)) continue;
    for (const task of of(suite)) {
      if (s.tasks === undefined || s.tasks.includes(task)) {
        out.push({ suite, task });
      }
    }
  }
  return out;
};

/**
 * The isotropy of a pipeline's space on the STS-B test sentences (fitted on
 * them, as the STS suite does).
 */
export const isotropyOf = Effect.fn("isotropyOf")(function* (
  pipeline: LoadedPipeline,
  s: Pick<RunSettings, "dataDir" | "variant" | "gemm">,
) {
  const stsb = yield* loadStsTask(s.dataDir, "STSBenchmark", s.variant);
  const texts = [...stsb.s1, ...stsb.s2];
  const vectors = yield* (yield* pipeline.fit(texts)).embed(texts);
  return yield* Effect.promise(() => isotropy(s.gemm, vectors));
});

/** Tasks (progress steps) one pipeline runs under these settings. */
export const stepsPerPipeline = (s: RunSettings): number =>
  suiteTasks(s).length + 1; // isotropy

/**
 * Runs the chosen suites on one loaded pipeline, then measures the isotropy
 * of its space on the STS-B test sentences (fitted on them, as the STS
 * suite does). `counter` numbers the progress steps across pipelines.
 */
export const runSuites = Effect.fn("runSuites")(function* (
  pipeline: LoadedPipeline,
  label: string,
  axes: Readonly<Record<string, string>> | undefined,
  s: RunSettings,
  counter: { done: number; total: number },
) {
  const started = performance.now();
  const step = (what: string) =>
    s.progress.step(counter.done++, counter.total, `${label} ${what}`);
  const note = (task: string, text: string) =>
    s.progress.note(`  ${label} ${task.padEnd(24)} ${text}`);
  const result: {
    -readonly [K in keyof PipelineResult]: PipelineResult[K];
  } = {
    pipeline: label,
    hash: pipeline.hash,
    seconds: 0,
    ...(axes ? { axes } : {}),
  };
  const only = (suite: Suite) =>
    suiteTasks(s).filter((t) => t.suite === suite).map((t) => t.task);
  if (s.suites.includes("sts")) {
    const sts = only("sts") as StsTaskName[];
    step(`STS ${sts[0]}`);
    result.sts = yield* evaluateSts(
      pipeline,
      s.dataDir,
      s.variant,
      (task, score) => {
        note(task, score.spearman.toFixed(2));
        const next = sts[sts.indexOf(task) + 1];
        if (next) step(`STS ${next}`);
      },
      s.tasks === undefined ? undefined : sts,
    );
  }
  if (s.suites.includes("clustering")) {
    const tasks = only("clustering") as ClusteringTaskName[];
    result.clustering = yield* evaluateClustering(pipeline, s.dataDir, {
      gemm: s.gemm,
      tasks,
      onStart: (task) => step(`clustering ${task}`),
      onTask: (task, sc) =>
        note(
          task,
          `ACC ${sc.acc.toFixed(2)}  NMI ${sc.nmi.toFixed(2)}${
            sc.cached ? "  (cached)" : ""
          }`,
        ),
    });
  }
  if (s.suites.includes("classification")) {
    result.classification = yield* evaluateClassification(pipeline, s.dataDir, {
      gemm: s.gemm,
      tasks: only("classification") as ClassificationTaskName[],
      onStart: (task) => step(`classification ${task}`),
      onTask: (task, sc) =>
        note(
          task,
          `${sc.accuracy.toFixed(2)}  (C=${sc.c}${
            sc.cached ? ", cached" : ""
          })`,
        ),
    });
  }
  step("isotropy");
  result.isotropy = yield* isotropyOf(pipeline, s);
  result.seconds = (performance.now() - started) / 1000;
  return result as PipelineResult;
});
