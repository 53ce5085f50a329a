import type { EmbedError } from "../pipeline/embedder.ts";
import type { LoadError } from "../stages/resources.ts";
import type { DataError } from "../errors.ts";
import { Effect } from "effect";
import type { Embeddings } from "../embeddings.ts";
import {
  C_GRID,
  type ClassifierScore,
  type ClassifierSetup,
  devAccuracy,
  kfoldAccuracy,
  trainTestAccuracy,
} from "./classifier_protocols.ts";
import { loadClassificationTask } from "./classification_data.ts";
import {
  CLASSIFICATION_TASKS,
  type ClassificationTaskName,
  PROTOCOL,
  type Protocol,
} from "./classification_tasks.ts";
import type { Gemm } from "./gemm.ts";
import type { Design } from "./logistic_regression.ts";
import { contentHash, memoResult } from "./result_cache.ts";
import type { SentenceEncoder } from "./sentence_encoder.ts";

/** One classification task's score. */
export interface ClassificationTaskScore extends ClassifierScore {
  /** How the classifier was trained and scored. */
  readonly protocol: Protocol;
  /** Whether the score came from the result cache (identical vectors seen before). */
  readonly cached: boolean;
}

/** The classification suite's result: each task's score and their average. */
export interface ClassificationReport {
  /** Each task's score (the tasks run). */
  readonly tasks: Partial<
    Record<ClassificationTaskName, ClassificationTaskScore>
  >;
  /** Mean accuracy over the tasks run. */
  readonly average: number;
}

// Bump when a protocol or the optimiser changes what a score would be.
const PROTOCOL_VERSION = "classification-v1";

const design = (e: Embeddings): Design => ({
  x: e.data,
  rows: e.rows,
  dim: e.dim,
});

/** [u, v, |u − v|, u ⊙ v] per row (InferSent's pair features), 4·dim wide. */
export const pairFeatures = (u: Embeddings, v: Embeddings): Design => {
  const d = u.dim;
  const x = new Float32Array(u.rows * 4 * d);
  for (let i = 0; i < u.rows; i++) {
    const o = i * 4 * d;
    for (let j = 0; j < d; j++) {
      const a = u.data[i * d + j], b = v.data[i * d + j];
      x[o + j] = a;
      x[o + d + j] = b;
      x[o + 2 * d + j] = Math.abs(a - b);
      x[o + 3 * d + j] = a * b;
    }
  }
  return { x, rows: u.rows, dim: 4 * d };
};

/** How the classification suite runs. */
export interface ClassificationOptions {
  /** The matrix product used. */
  readonly gemm: Gemm;
  /** The tasks to run (default: all). */
  readonly tasks?: ReadonlyArray<ClassificationTaskName>;
  /** Called with each task's score when it is done. */
  readonly onTask?: (
    task: ClassificationTaskName,
    score: ClassificationTaskScore,
  ) => void;
  /** Called when a task starts. */
  readonly onStart?: (
    task: ClassificationTaskName,
    index: number,
    total: number,
  ) => void;
}

/** Embeds one task (fitted on all its sentences, no labels) and scores it. */
const evaluateTask = Effect.fn("evaluateClassificationTask")(function* (
  encoder: SentenceEncoder,
  dataDir: string,
  task: ClassificationTaskName,
  gemm: Gemm,
) {
  const data = yield* loadClassificationTask(dataDir, task);
  const protocol = PROTOCOL[task];
  const setup: ClassifierSetup = { gemm, classes: data.classes.length };
  let designs: Record<string, Design>;
  let labels: Record<string, Int32Array>;
  if (data.kind === "pairs") {
    const { train, test } = data.splits;
    const embedder = yield* encoder.fit([
      ...train.a,
      ...train.b,
      ...test.a,
      ...test.b,
    ]);
    const feats = (s: typeof train) =>
      Effect.all([embedder.embed(s.a), embedder.embed(s.b)]).pipe(
        Effect.map(([u, v]) => pairFeatures(u, v)),
      );
    designs = { train: yield* feats(train), test: yield* feats(test) };
    labels = { train: train.labels, test: test.labels };
  } else {
    const names = Object.keys(data.splits);
    const embedder = yield* encoder.fit(
      names.flatMap((n) => data.splits[n].texts),
    );
    designs = {};
    labels = {};
    for (const n of names) {
      designs[n] = design(yield* embedder.embed(data.splits[n].texts));
      labels[n] = data.splits[n].labels;
    }
  }
  const names = Object.keys(designs).sort();
  const key = contentHash(
    PROTOCOL_VERSION,
    JSON.stringify(C_GRID),
    task,
    protocol,
    ...names.flatMap((
      n,
    ) => [n, String(designs[n].dim), designs[n].x, labels[n]]),
  );
  const run = (): Promise<ClassifierScore> => {
    switch (protocol) {
      case "kfold":
        return kfoldAccuracy(setup, designs.all, labels.all);
      case "dev":
        return devAccuracy(
          setup,
          designs.train,
          labels.train,
          designs.dev,
          labels.dev,
          designs.test,
          labels.test,
        );
      case "innerCv":
        return trainTestAccuracy(
          setup,
          designs.train,
          labels.train,
          designs.test,
          labels.test,
          5,
        );
      case "holdout":
        return trainTestAccuracy(
          setup,
          designs.train,
          labels.train,
          designs.test,
          labels.test,
          1,
        );
    }
  };
  const { value, cached } = yield* Effect.promise(() =>
    memoResult("results", key, run)
  );
  return { ...value, protocol, cached } satisfies ClassificationTaskScore;
});

/** The report of the tasks scored: their mean accuracy. */
export const classificationReport = (
  out: Partial<Record<ClassificationTaskName, ClassificationTaskScore>>,
): ClassificationReport => {
  const accs = Object.values(out).map((s) => s!.accuracy);
  return {
    tasks: out,
    average: accs.reduce((s, a) => s + a, 0) / accs.length,
  };
};

/** The classification suite (METHODS §7): logistic regression on frozen vectors. */
export const evaluateClassification: (
  encoder: SentenceEncoder,
  dataDir: string,
  options: ClassificationOptions,
) => Effect.Effect<ClassificationReport, DataError | LoadError | EmbedError> =
  Effect.fn(
    "evaluateClassification",
  )(
    function* (
      encoder: SentenceEncoder,
      dataDir: string,
      options: ClassificationOptions,
    ) {
      const tasks = options.tasks ?? CLASSIFICATION_TASKS;
      const out: Partial<
        Record<ClassificationTaskName, ClassificationTaskScore>
      > = {};
      for (let i = 0; i < tasks.length; i++) {
        options.onStart?.(tasks[i], i, tasks.length);
        const score = yield* evaluateTask(
          encoder,
          dataDir,
          tasks[i],
          options.gemm,
        );
        out[tasks[i]] = score;
        options.onTask?.(tasks[i], score);
      }
      return classificationReport(out);
    },
  );
