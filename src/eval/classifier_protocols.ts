import { foldRows, stratifiedFolds } from "./folds.ts";
import type { Gemm } from "./gemm.ts";
import {
  accuracy,
  type Design,
  fitLogistic,
  type FitOptions,
  type LogisticModel,
  predictLogistic,
} from "./logistic_regression.ts";

/**
 * How one classification task is scored once its sentences are vectors.
 * Every choice of C is made on data the reported accuracy never sees; all
 * candidate fits of one stage run as one joint problem (see
 * `logistic_regression.ts`), so a grid of C costs about one fit for binary
 * tasks.
 */

/** Candidate C values (scikit-learn's convention, on standardised features). */
export const C_GRID: ReadonlyArray<number> = [
  1e-5,
  3e-5,
  1e-4,
  3e-4,
  1e-3,
  3e-3,
  1e-2,
  3e-2,
  1e-1,
  1,
];

export interface ClassifierSetup {
  readonly gemm: Gemm;
  readonly classes: number;
  readonly grid?: ReadonlyArray<number>;
  readonly seed?: number;
  readonly fit?: FitOptions;
}

/** A classifier's result on one task. */
export interface ClassifierScore {
  /** Test accuracy ×100 (the mean over outer folds for k-fold). */
  readonly accuracy: number;
  /** The C chosen (the median over outer folds for k-fold). */
  readonly c: number;
  /** Rows it was trained on. */
  readonly trainRows: number;
  /** Rows it was scored on. */
  readonly testRows: number;
}

const DEFAULT_SEED = 1111; // SentEval's

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)];
};

// Past this many weight columns per row set a joint fit is compute-bound
// (sharing the products saves nothing), so a warm-started path is cheaper.
const JOINT_MAX_COLUMNS = 100;

/**
 * For each row set, the C with the best validation accuracy (the smaller C
 * on a tie) and its fitted model. Binary and few-class tasks fit every
 * (row set, C) pair jointly; many-class tasks (Banking77: 77 classes) walk
 * C upwards, each fit warm-started from the last, and stop once validation
 * accuracy has fallen twice in a row below the best.
 */
const selectC = async (
  setup: ClassifierSetup,
  design: Design,
  labels: Int32Array,
  splits: ReadonlyArray<{ train: Int32Array; val: Int32Array }>,
) => {
  const grid = setup.grid ?? C_GRID;
  const columns = setup.classes === 2 ? 1 : setup.classes;
  // scores[split][c]: validation accuracy (−1 where the path stopped early).
  const scores = splits.map(() => grid.map(() => -1));
  const models: (LogisticModel | undefined)[][] = splits.map(() =>
    grid.map(() => undefined)
  );
  if (columns * grid.length <= JOINT_MAX_COLUMNS) {
    const problems = splits.flatMap((s) =>
      grid.map((c) => ({ train: s.train, c }))
    );
    const fit = await fitLogistic(
      setup.gemm,
      design,
      labels,
      setup.classes,
      problems,
      setup.fit,
    );
    const preds = await predictLogistic(setup.gemm, fit.models, design);
    splits.forEach((s, si) =>
      grid.forEach((_, ci) => {
        const k = si * grid.length + ci;
        scores[si][ci] = accuracy(preds[k], labels, s.val);
        models[si][ci] = fit.models[k];
      })
    );
  } else {
    for (let si = 0; si < splits.length; si++) {
      let init: LogisticModel | undefined;
      let best = -1, falls = 0;
      for (let ci = 0; ci < grid.length && falls < 2; ci++) {
        const fit = await fitLogistic(
          setup.gemm,
          design,
          labels,
          setup.classes,
          [
            { train: splits[si].train, c: grid[ci], init },
          ],
          setup.fit,
        );
        init = fit.models[0];
        const [pred] = await predictLogistic(setup.gemm, [init], design);
        scores[si][ci] = accuracy(pred, labels, splits[si].val);
        models[si][ci] = init;
        if (scores[si][ci] > best) {
          best = scores[si][ci];
          falls = 0;
        } else falls++;
      }
    }
  }
  const argmax = (xs: number[]) =>
    xs.reduce((b, x, i) => (x > xs[b] ? i : b), 0);
  const perSplit = scores.map(argmax);
  // Pooled over row sets; a C the path never reached cannot win.
  const pooled = argmax(
    grid.map((_, ci) =>
      scores.some((s) => s[ci] < 0)
        ? -1
        : scores.reduce((sum, s) => sum + s[ci], 0)
    ),
  );
  const modelAt = (si: number, ci: number): LogisticModel => models[si][ci]!;
  return { grid, perSplit, pooled, modelAt };
};

const allRows = (n: number) => Int32Array.from({ length: n }, (_, i) => i);

/**
 * SentEval's k-fold protocol (MR, CR, SUBJ, MPQA): stratified 10 folds; for
 * each, C is chosen on an inner stratified ninth of the other nine folds,
 * then refitted on all nine and scored on the held-out fold.
 */
export const kfoldAccuracy = async (
  setup: ClassifierSetup,
  design: Design,
  labels: Int32Array,
  folds = 10,
): Promise<ClassifierScore> => {
  const seed = setup.seed ?? DEFAULT_SEED;
  const outer = stratifiedFolds(labels, folds, seed);
  const trains = Array.from(
    { length: folds },
    (_, f) => foldRows(outer, f, false),
  );
  const inner = trains.map((rows, f) => {
    const fold = stratifiedFolds(
      labels.filter((_, i) => outer[i] !== f),
      folds - 1,
      seed + 1 + f,
    );
    return {
      train: foldRows(fold, 0, false, rows),
      val: foldRows(fold, 0, true, rows),
    };
  });
  const sel = await selectC(setup, design, labels, inner);
  const { models } = await fitLogistic(
    setup.gemm,
    design,
    labels,
    setup.classes,
    trains.map((train, f) => {
      const init = sel.modelAt(f, sel.perSplit[f]);
      return { train, c: init.c, init };
    }),
    setup.fit,
  );
  const preds = await predictLogistic(setup.gemm, models, design);
  const accs = preds.map((p, f) =>
    accuracy(p, labels, foldRows(outer, f, true))
  );
  return {
    accuracy: accs.reduce((s, a) => s + a, 0) / folds,
    c: median(models.map((m) => m.c)),
    trainRows: trains[0].length,
    testRows: labels.length - trains[0].length,
  };
};

/** Train on train, choose C on dev, score that model on test (SST, Emotion, AmazonCounterfactual). */
export const devAccuracy = async (
  setup: ClassifierSetup,
  train: Design,
  trainLabels: Int32Array,
  dev: Design,
  devLabels: Int32Array,
  test: Design,
  testLabels: Int32Array,
): Promise<ClassifierScore> => {
  const grid = setup.grid ?? C_GRID;
  const rows = allRows(train.rows);
  const { models } = await fitLogistic(
    setup.gemm,
    train,
    trainLabels,
    setup.classes,
    grid.map((c) => ({ train: rows, c })),
    setup.fit,
  );
  const devPreds = await predictLogistic(setup.gemm, models, dev);
  let best = 0;
  devPreds.forEach((p, i) => {
    if (accuracy(p, devLabels) > accuracy(devPreds[best], devLabels)) best = i;
  });
  const [testPred] = await predictLogistic(setup.gemm, [models[best]], test);
  return {
    accuracy: accuracy(testPred, testLabels),
    c: grid[best],
    trainRows: train.rows,
    testRows: test.rows,
  };
};

/**
 * No dev split: choose C on held-out parts of train — inner k-fold CV
 * (`innerFolds` > 1, SentEval's TREC/MRPC) or one stratified 1/10 holdout
 * (`innerFolds` = 1, the large MTEB sets) — then refit on all of train.
 */
export const trainTestAccuracy = async (
  setup: ClassifierSetup,
  train: Design,
  trainLabels: Int32Array,
  test: Design,
  testLabels: Int32Array,
  innerFolds: number,
): Promise<ClassifierScore> => {
  const seed = setup.seed ?? DEFAULT_SEED;
  // A holdout is fold 0 of a stratified 10-way split.
  const k = innerFolds > 1 ? innerFolds : 10;
  const fold = stratifiedFolds(trainLabels, k, seed);
  const splits = Array.from({ length: innerFolds > 1 ? k : 1 }, (_, f) => ({
    train: foldRows(fold, f, false),
    val: foldRows(fold, f, true),
  }));
  const sel = await selectC(setup, train, trainLabels, splits);
  const init = sel.modelAt(0, sel.pooled);
  const { models } = await fitLogistic(
    setup.gemm,
    train,
    trainLabels,
    setup.classes,
    [{ train: allRows(train.rows), c: init.c, init }],
    setup.fit,
  );
  const [pred] = await predictLogistic(setup.gemm, models, test);
  return {
    accuracy: accuracy(pred, testLabels),
    c: init.c,
    trainRows: train.rows,
    testRows: test.rows,
  };
};
