import { seededRandom, shuffledIndices } from "./seeded_random.ts";

/**
 * Stratified k-fold assignment: each class's items are shuffled (seeded) and
 * dealt to folds in turn, so every fold holds each class in proportion, as
 * scikit-learn's `StratifiedKFold(shuffle=True)` does. Returns the fold of
 * each item.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { stratifiedFolds } from "./folds.ts";
 * const fold = stratifiedFolds(Int32Array.of(0, 0, 1, 1), 2, 7);
 * assert.notEqual(fold[0], fold[1]);
 * assert.notEqual(fold[2], fold[3]);
 * ```
 */
export const stratifiedFolds = (
  labels: Int32Array,
  k: number,
  seed: number,
): Int32Array => {
  if (k < 2) throw new RangeError(`k-fold needs k >= 2, got ${k}`);
  const order = shuffledIndices(labels.length, seededRandom(seed));
  const fold = new Int32Array(labels.length);
  // Deal class by class, continuing the fold counter across classes so small
  // classes do not all land in fold 0.
  const byClass = new Map<number, number[]>();
  for (const i of order) {
    const list = byClass.get(labels[i]) ?? [];
    list.push(i);
    byClass.set(labels[i], list);
  }
  let next = 0;
  for (const c of [...byClass.keys()].sort((a, b) => a - b)) {
    for (const i of byClass.get(c)!) {
      fold[i] = next;
      next = (next + 1) % k;
    }
  }
  return fold;
};

/**
 * The items of fold `f` (`inFold`) or of every other fold. `fold[p]` is the
 * fold of item `rows[p]` (of item `p` when `rows` is omitted).
 */
export const foldRows = (
  fold: Int32Array,
  f: number,
  inFold: boolean,
  rows?: Int32Array,
): Int32Array => {
  const out: number[] = [];
  for (let p = 0; p < fold.length; p++) {
    if ((fold[p] === f) === inFold) out.push(rows ? rows[p] : p);
  }
  return Int32Array.from(out);
};
