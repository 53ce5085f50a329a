/**
 * `out = Σₖ weights[k]·rows[k] / total` over the first `count` rows, each of
 * length `out.length`. Sums in float64 (`acc`, at least as long as `out`)
 * eight rows at a time, so the accumulator is read and written once per
 * eight rows instead of once per row: on 2048-d random vectors this ran
 * 2.2–2.5× faster than a row-at-a-time float32 sum (issue 7).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { weightedMean } from "./weighted_mean.ts";
 * const out = new Float32Array(2);
 * weightedMean([Float32Array.of(1, 0), Float32Array.of(0, 2)], Float64Array.of(1, 3), 2, 4, new Float64Array(2), out);
 * assert.deepEqual([...out], [0.25, 1.5]);
 * ```
 */
export const weightedMean = (
  rows: ReadonlyArray<Float32Array>,
  weights: Float64Array,
  count: number,
  total: number,
  acc: Float64Array,
  out: Float32Array,
): void => {
  const n = out.length;
  acc.fill(0, 0, n);
  let k = 0;
  for (; k + 8 <= count; k += 8) {
    const a = rows[k], b = rows[k + 1], c = rows[k + 2], d = rows[k + 3];
    const e = rows[k + 4], f = rows[k + 5], g = rows[k + 6], h = rows[k + 7];
    const wa = weights[k], wb = weights[k + 1], wc = weights[k + 2];
    const wd = weights[k + 3], we = weights[k + 4], wf = weights[k + 5];
    const wg = weights[k + 6], wh = weights[k + 7];
    for (let j = 0; j < n; j++) {
      acc[j] += wa * a[j] + wb * b[j] + wc * c[j] + wd * d[j] + we * e[j] +
        wf * f[j] + wg * g[j] + wh * h[j];
    }
  }
  for (; k + 4 <= count; k += 4) {
    const a = rows[k], b = rows[k + 1], c = rows[k + 2], d = rows[k + 3];
    const wa = weights[k], wb = weights[k + 1], wc = weights[k + 2];
    const wd = weights[k + 3];
    for (let j = 0; j < n; j++) {
      acc[j] += wa * a[j] + wb * b[j] + wc * c[j] + wd * d[j];
    }
  }
  for (; k < count; k++) {
    const a = rows[k], wa = weights[k];
    for (let j = 0; j < n; j++) acc[j] += wa * a[j];
  }
  for (let j = 0; j < n; j++) out[j] = acc[j] / total;
};
