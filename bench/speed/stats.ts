/**
 * The median of `xs` (the mean of the middle two for an even count).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { median } from "./stats.ts";
 * assert.equal(median([3, 1, 2]), 2);
 * assert.equal(median([4, 1, 2, 3]), 2.5);
 * ```
 */
export const median = (xs: ReadonlyArray<number>): number => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/**
 * The median over repetitions of `a[r] / b[r]`: each ratio pairs times
 * taken moments apart, so a change in machine load between repetitions
 * cancels out of it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pairedRatio } from "./stats.ts";
 * assert.equal(pairedRatio([2, 20, 4], [4, 40, 2]), 0.5);
 * ```
 */
export const pairedRatio = (
  a: ReadonlyArray<number>,
  b: ReadonlyArray<number>,
): number => median(a.map((x, r) => x / b[r]));

/** `xs` rotated left by `k`: who goes first changes with every round. */
export const rotate = <T>(xs: ReadonlyArray<T>, k: number): T[] => {
  const n = xs.length;
  return xs.map((_, i) => xs[(i + k) % n]);
};
