import type { TokenFilter } from "./token_filter.ts";
import type { TokenWeight } from "./weighting.ts";

/** Distinct tokens remembered at most; past it, calls go straight through. */
const LIMIT = 200_000;

/**
 * A filter and a weight that remember, per token, what the given ones said.
 * Both are pure functions of the token, and text repeats a few thousand
 * tokens: a regex test, a set lookup, a map lookup and a log per token
 * become one map lookup (`weight` right after `keep` of the same token
 * needs none). Special tokens are passed through.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { memoTokenFns } from "./token_memo.ts";
 * let calls = 0;
 * const m = memoTokenFns((t) => t !== "the", (t) => (calls++, t.length));
 * assert.deepEqual([m.keep("cat", false), m.weight("cat"), m.keep("the", false)], [true, 3, false]);
 * assert.equal(m.weight("cat"), 3);
 * assert.equal(calls, 2);
 * ```
 */
export const memoTokenFns = (
  keep: TokenFilter,
  weight: TokenWeight,
): { keep: TokenFilter; weight: TokenWeight } => {
  const known = new Map<string, { keep: boolean; weight: number }>();
  let last = "";
  let lastEntry: { keep: boolean; weight: number } | undefined;
  const entry = (t: string) => {
    if (t === last && lastEntry !== undefined) return lastEntry;
    let e = known.get(t);
    if (e === undefined) {
      e = { keep: keep(t, false), weight: weight(t) };
      if (known.size < LIMIT) known.set(t, e);
    }
    last = t;
    lastEntry = e;
    return e;
  };
  return {
    keep: (t, special) => special ? keep(t, true) : entry(t).keep,
    weight: (t) => entry(t).weight,
  };
};
