import type { Tokenized } from "./tokenized.ts";

/**
 * Counts fitted on a collection of sentences (a general corpus, or the
 * sentences being embedded): how many sentences hold each token, and how
 * often it occurs. Special tokens are left out: every sentence has them.
 */
export interface TokenStats {
  /** The number of sentences counted. */
  readonly sentences: number;
  /** The number of tokens counted. */
  readonly tokens: number;
  /** Document frequency: sentences each token occurs in. */
  readonly df: ReadonlyMap<string, number>;
  /** Occurrences of each token. */
  readonly count: ReadonlyMap<string, number>;
}

export const fitTokenStats = (
  sentences: Iterable<Tokenized>,
): TokenStats => {
  const df = new Map<string, number>();
  const count = new Map<string, number>();
  const seen = new Set<string>();
  let n = 0;
  let total = 0;
  for (const s of sentences) {
    n++;
    seen.clear();
    for (let i = 0; i < s.tokens.length; i++) {
      if (s.special[i]) continue;
      const t = s.tokens[i];
      total++;
      count.set(t, (count.get(t) ?? 0) + 1);
      if (!seen.has(t)) {
        seen.add(t);
        df.set(t, (df.get(t) ?? 0) + 1);
      }
    }
  }
  return { sentences: n, tokens: total, df, count };
};

/** The `n` most frequent tokens (ties broken by token text, for determinism). */
export const mostFrequent = (
  stats: TokenStats,
  n: number,
): ReadonlySet<string> =>
  new Set(
    [...stats.count.entries()]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .slice(0, n)
      .map(([t]) => t),
  );
