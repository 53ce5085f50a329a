/**
 * Correlations as scipy.stats computes them: Pearson on the values, Spearman
 * as Pearson on ranks where tied values share the mean of their positions.
 * Accumulation is in float64 so a 5000-pair task loses no precision.
 */

type Numbers = ArrayLike<number>;

const checkPair = (x: Numbers, y: Numbers) => {
  if (x.length !== y.length) {
    throw new RangeError(
      `correlation needs equal lengths, got ${x.length} and ${y.length}`,
    );
  }
  if (x.length < 2) {
    throw new RangeError(
      `correlation needs at least 2 values, got ${x.length}`,
    );
  }
};

/** 1-based ranks; a run of equal values gets the average of its positions. */
export const rankAverageTies = (x: Numbers): Float64Array => {
  const n = x.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) =>
    x[a] - x[b]
  );
  const ranks = new Float64Array(n);
  let i = 0;
  while (i < n) {
    let j = i;
    while (j + 1 < n && x[order[j + 1]] === x[order[i]]) j++;
    const r = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) ranks[order[k]] = r;
    i = j + 1;
  }
  return ranks;
};

/** Pearson's r; NaN when either side is constant (undefined, as in scipy). */
export const pearson = (x: Numbers, y: Numbers): number => {
  checkPair(x, y);
  const n = x.length;
  let mx = 0, my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i];
    my += y[i];
  }
  mx /= n;
  my /= n;
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i] - mx, dy = y[i] - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxx === 0 || syy === 0 ? NaN : sxy / Math.sqrt(sxx * syy);
};

/** Spearman's rho with tie-averaged ranks. *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { spearman } from "../../mod.ts";
 *
 * // Any increasing map of x is a perfect rank correlation.
 * assert.equal(spearman([1, 2, 3, 4], [1, 4, 9, 100]), 1);
 * // Ranks [1, 2.5, 2.5, 4] against [4, 3, 2, 1]: rho = -0.9487 by hand.
 * assert.ok(Math.abs(spearman([1, 2, 2, 3], [4, 3, 2, 1]) + 0.9486833) < 1e-6);
 * ```
 */
export const spearman = (x: Numbers, y: Numbers): number => {
  checkPair(x, y);
  return pearson(rankAverageTies(x), rankAverageTies(y));
};
