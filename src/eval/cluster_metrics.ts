import munkres from "munkres";

/**
 * Clustering scores against gold labels (METHODS §7). Both take class and
 * cluster ids as small non-negative integers of equal-length arrays.
 */

const contingency = (truth: Int32Array, pred: Int32Array) => {
  if (truth.length !== pred.length || truth.length === 0) {
    throw new RangeError(
      `need two equal non-empty labellings, got ${truth.length} and ${pred.length}`,
    );
  }
  let rows = 0, cols = 0;
  for (let i = 0; i < truth.length; i++) {
    if (truth[i] < 0 || pred[i] < 0) throw new RangeError("negative label");
    rows = Math.max(rows, truth[i] + 1);
    cols = Math.max(cols, pred[i] + 1);
  }
  const table = new Float64Array(rows * cols);
  for (let i = 0; i < truth.length; i++) table[truth[i] * cols + pred[i]]++;
  return { table, rows, cols, n: truth.length };
};

/**
 * Accuracy ×100 under the best one-to-one map from clusters to classes
 * (Hungarian algorithm, via the `munkres` package): a relabelling of the
 * gold partition scores 100.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { clusteringAccuracy } from "./cluster_metrics.ts";
 * assert.equal(clusteringAccuracy(Int32Array.of(0, 0, 1, 1), Int32Array.of(1, 1, 0, 0)), 100);
 * ```
 */
export const clusteringAccuracy = (
  truth: Int32Array,
  pred: Int32Array,
): number => {
  const { table, rows, cols, n } = contingency(truth, pred);
  let max = 0;
  for (const v of table) max = Math.max(max, v);
  // Minimising (max − count) over a matching maximises the matched count.
  const cost = Array.from(
    { length: cols },
    (_, c) => Array.from({ length: rows }, (_, r) => max - table[r * cols + c]),
  );
  let matched = 0;
  for (const [c, r] of munkres(cost)) matched += table[r * cols + c];
  return (100 * matched) / n;
};

const entropy = (counts: Float64Array, n: number) => {
  let h = 0;
  for (const c of counts) if (c > 0) h -= (c / n) * Math.log(c / n);
  return h;
};

/**
 * Normalised mutual information ×100 with arithmetic-mean normalisation,
 * I(U;V) / ((H(U) + H(V)) / 2) — scikit-learn's default, equal to the
 * V-measure. Two single-cluster labellings score 100 (as in scikit-learn).
 */
export const nmi = (truth: Int32Array, pred: Int32Array): number => {
  const { table, rows, cols, n } = contingency(truth, pred);
  const a = new Float64Array(rows), b = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      a[r] += table[r * cols + c];
      b[c] += table[r * cols + c];
    }
  }
  const ha = entropy(a, n), hb = entropy(b, n);
  if (ha === 0 && hb === 0) return 100;
  let mi = 0;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const v = table[r * cols + c];
      if (v > 0) mi += (v / n) * Math.log((v * n) / (a[r] * b[c]));
    }
  }
  return (100 * Math.max(0, mi)) / ((ha + hb) / 2);
};
