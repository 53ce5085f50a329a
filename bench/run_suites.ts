import { Effect } from "effect";
import { evaluateClassification } from "../src/eval/classification_eval.ts";
import { CLASSIFICATION_TASKS } from "../src/eval/classification_tasks.ts";
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
import type { PipelineResult, Suite } from "./eval_result.ts";
import type { Progress } from "./progress.ts";

export interface RunSettings {
  readonly dataDir: string;
  readonly suites: ReadonlyArray<Suite>;
  readonly variant: StsVariant;
  readonly extras: boolean;
  readonly gemm: Gemm;
  readonly progress: Progress;
}

/** Tasks (progress steps) one pipeline runs under these settings. */
export const stepsPerPipeline = (s: RunSettings): number =>
  s.suites.reduce(
    (n, suite) =>
      n + (suite === "sts"
        ? STS_TASKS.length
        : suite === "clustering"
        ? CLUSTERING_TASKS.length + (s.extras ? CLUSTERING_EXTRAS.length : 0)
        : CLASSIFICATION_TASKS.length),
    1, // isotropy
  );

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
  if (s.suites.includes("sts")) {
    step(`STS ${STS_TASKS[0]}`);
    result.sts = yield* evaluateSts(
      pipeline,
      s.dataDir,
      s.variant,
      (task, score) => {
        note(task, score.spearman.toFixed(2));
        const next = STS_TASKS[STS_TASKS.indexOf(task) + 1];
        if (next) step(`STS ${next}`);
      },
    );
  }
  if (s.suites.includes("clustering")) {
    const tasks: ClusteringTaskName[] = [
      ...CLUSTERING_TASKS,
      ...(s.extras ? CLUSTERING_EXTRAS : []),
    ];
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
  const stsb = yield* loadStsTask(s.dataDir, "STSBenchmark", s.variant);
  const texts = [...stsb.s1, ...stsb.s2];
  const vectors = yield* (yield* pipeline.fit(texts)).embed(texts);
  result.isotropy = yield* Effect.promise(() => isotropy(s.gemm, vectors));
  result.seconds = (performance.now() - started) / 1000;
  return result as PipelineResult;
});
