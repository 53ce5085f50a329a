import type { TokenStats } from "../tokenize/token_stats.ts";

/** A token's weight in a weighted mean; pure once its statistics are fitted. */
export type TokenWeight = (token: string) => number;

export const uniformWeight: TokenWeight = () => 1;

/**
 * Inverse document frequency, `log((N + 1) / (df(t) + 1))` (METHODS §1): an
 * unseen token gets the largest weight, `log(N + 1)`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { idfWeight } from "./weighting.ts";
 * const w = idfWeight({ sentences: 3, tokens: 0, df: new Map([["a", 3]]), count: new Map() });
 * assert.equal(w("a"), 0);
 * assert.equal(w("zebra"), Math.log(4));
 * ```
 */
export const idfWeight = (stats: TokenStats): TokenWeight => {
  const n = stats.sentences;
  return (t) => Math.log((n + 1) / ((stats.df.get(t) ?? 0) + 1));
};

/**
 * Smooth inverse frequency (Arora et al.), `a / (a + p(t))` with `p` the
 * token's relative frequency in the fitted collection.
 */
export const sifWeight = (stats: TokenStats, a: number): TokenWeight => {
  const total = Math.max(1, stats.tokens);
  return (t) => a / (a + (stats.count.get(t) ?? 0) / total);
};
