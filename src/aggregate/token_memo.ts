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
): {
  keep: TokenFilter;
  weight: TokenWeight;
  keyed: (space: object) => KeyedTokenMemo;
} => {
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
  const spaces = new WeakMap<object, KeyedTokenMemo>();
  return {
    keep: (t, special) => special ? keep(t, true) : entry(t).keep,
    weight: (t) => entry(t).weight,
    keyed: (space) => {
      let m = spaces.get(space);
      if (m === undefined) {
        m = keyedTokenMemo(keep, weight);
        spaces.set(space, m);
      }
      return m;
    },
  };
};

/**
 * The same memory for tokens that carry keys (`Tokenized.keys`): arrays
 * indexed by key instead of a map by string.
 */
export interface KeyedTokenMemo {
  /** 1 keep, 2 drop, 0 not yet asked; indexed by key. */
  state: Uint8Array;
  /** The weight, where `state` is set. */
  weight: Float64Array;
  /**
   * The encoder's row handle + 1 where it keeps the row for good
   * (`RowSource.kept`), else 0; sized as `state`. Kept by pooling.
   */
  row: Int32Array;
  /** Fills entry `key` for non-special token `token`. */
  learn(key: number, token: string): void;
}

const keyedTokenMemo = (
  keep: TokenFilter,
  weight: TokenWeight,
): KeyedTokenMemo => {
  const m: KeyedTokenMemo = {
    state: new Uint8Array(1024),
    weight: new Float64Array(1024),
    row: new Int32Array(1024),
    learn(key, token) {
      if (key >= m.state.length) {
        const n = Math.max(key + 1, m.state.length * 2);
        const state = new Uint8Array(n);
        state.set(m.state);
        const w = new Float64Array(n);
        w.set(m.weight);
        const row = new Int32Array(n);
        row.set(m.row);
        m.state = state;
        m.weight = w;
        m.row = row;
      }
      m.state[key] = keep(token, false) ? 1 : 2;
      m.weight[key] = weight(token);
    },
  };
  return m;
};
