import type { RowSource, StaticEncoder } from "./static_encoder.ts";
import type { Tokenized } from "../tokenize/tokenized.ts";
import type { TokenFilter } from "./token_filter.ts";
import type { KeyedTokenMemo } from "./token_memo.ts";
import { weightedMean } from "./weighted_mean.ts";
import type { TokenWeight } from "./weighting.ts";

/** How static token vectors are pooled: weighted mean or maximum. */
export type Pooling = "mean" | "max";

// The rows one sentence pools and their weights, gathered before summing;
// grown on demand and reused (pooling is synchronous), so a sentence
// allocates nothing.
let rows: Float32Array[] = [];
let rowWeights = new Float64Array(64);
let handles = new Int32Array(64);
let handleWeights = new Float32Array(64);
let acc = new Float64Array(0);
// Repeats are merged while a sentence has this few distinct rows: the scan
// stays shorter than one row's sum even for long texts.
const MERGE_WITHIN = 64;

/** `meanOfRows` for a table that sums its own rows (`StaticEncoder.rows`). */
const meanOfHandles = (
  sentence: Tokenized,
  source: RowSource,
  weight: TokenWeight,
  keep: TokenFilter,
  filtered: boolean,
  weighted: boolean,
  out: Float32Array,
  memo: KeyedTokenMemo | undefined,
): number => {
  const { tokens, ids, special, keys } = sentence;
  let count = 0, used = 0, sum = 0;
  source.beginSentence?.();
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    const isSpecial = special[i] === 1;
    let w = 1;
    if (memo !== undefined && keys !== undefined && !isSpecial) {
      // The keep decision and weight by key: two array reads, no hashing.
      const k = keys[i];
      if (!(memo.state[k] > 0)) memo.learn(k, t);
      if (filtered && memo.state[k] === 2) continue;
      if (weighted) w = memo.weight[k];
    } else {
      if (filtered ? !keep(t, isSpecial) : isSpecial) continue;
      if (weighted) w = weight(t);
    }
    const h = source.rowOf(ids[i], t);
    if (h < 0) continue;
    used++;
    sum += w;
    let m = count < MERGE_WITHIN ? 0 : count;
    while (m < count && handles[m] !== h) m++;
    if (m === count) {
      if (count === handles.length) {
        const grownH = new Int32Array(count * 2);
        grownH.set(handles);
        handles = grownH;
        const grownW = new Float32Array(count * 2);
        grownW.set(handleWeights);
        handleWeights = grownW;
      }
      handles[count] = h;
      handleWeights[count++] = 0;
    }
    handleWeights[m] += w;
  }
  if (used === 0) {
    out.fill(0);
    return 0;
  }
  if (sum <= 0) return -1;
  source.weightedMean(handles, handleWeights, count, sum, out);
  return used;
};

/**
 * The weighted mean of a sentence's rows where the encoder hands out its own
 * rows (`lookup`): tokens are gathered first, a repeated row's weights are
 * added, and the rows summed eight at a time. Returns what `pass` below
 * returns for the same tokens.
 */
const meanOfRows = (
  sentence: Tokenized,
  lookup: NonNullable<StaticEncoder["lookup"]>,
  weight: TokenWeight,
  keep: TokenFilter,
  filtered: boolean,
  weighted: boolean,
  out: Float32Array,
): number => {
  const { tokens, ids, special } = sentence;
  let count = 0, used = 0, sum = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    const isSpecial = special[i] === 1;
    if (filtered ? !keep(t, isSpecial) : isSpecial) continue;
    const v = lookup(ids[i], t);
    if (v === undefined) continue;
    used++;
    const w = weighted ? weight(t) : 1;
    sum += w;
    let m = count < MERGE_WITHIN ? 0 : count;
    while (m < count && rows[m] !== v) m++;
    if (m === count) {
      if (count === rowWeights.length) {
        const grown = new Float64Array(count * 2);
        grown.set(rowWeights);
        rowWeights = grown;
      }
      rows[count] = v;
      rowWeights[count++] = 0;
    }
    rowWeights[m] += w;
  }
  if (used === 0) {
    out.fill(0);
    return 0;
  }
  if (sum <= 0) return -1;
  if (acc.length < out.length) acc = new Float64Array(out.length);
  weightedMean(rows, rowWeights, count, sum, acc, out);
  // Drop the references, so pooled rows can be collected with their table.
  if (rows.length > MERGE_WITHIN * 4) rows = [];
  return used;
};

/**
 * Pools the static vectors of one sentence into `out` (length `encoder.dim`),
 * using `scratch` (same length) for each token's vector: no allocation per
 * token. `mean` is the weighted mean Σ wᵢvᵢ / Σ wᵢ; `max` the component-wise
 * maximum over kept tokens (weights do not apply).
 *
 * When the filter drops every token the sentence is pooled unfiltered, and
 * when every weight is zero it is pooled unweighted: a short sentence made of
 * stop words still gets a vector of its own rather than zeros. Returns the
 * number of tokens pooled (0 only if the encoder knows none of them, and then
 * `out` is all zeros). `keyed`, where the sentence carries keys, remembers
 * `keep` and `weight` per key instead (they must be what `keep` and
 * `weight` say).
 */
export const poolSentence = (
  sentence: Tokenized,
  encoder: StaticEncoder,
  weight: TokenWeight,
  keep: TokenFilter,
  pooling: Pooling,
  out: Float32Array,
  scratch: Float32Array,
  keyed?: (space: object) => KeyedTokenMemo,
): number => {
  const lookup = encoder.lookup;
  const source = encoder.rows;
  const memo = keyed && sentence.keys && sentence.keySpace
    ? keyed(sentence.keySpace)
    : undefined;
  const pass = (filtered: boolean, weighted: boolean): number => {
    if (pooling === "mean" && source) {
      return meanOfHandles(
        sentence,
        source,
        weight,
        keep,
        filtered,
        weighted,
        out,
        memo,
      );
    }
    if (pooling === "mean" && lookup) {
      return meanOfRows(
        sentence,
        lookup,
        weight,
        keep,
        filtered,
        weighted,
        out,
      );
    }
    out.fill(pooling === "max" ? -Infinity : 0);
    let used = 0;
    let sum = 0;
    for (let i = 0; i < sentence.tokens.length; i++) {
      const t = sentence.tokens[i];
      if (filtered && !keep(t, sentence.special[i] === 1)) continue;
      if (!filtered && sentence.special[i] === 1) continue;
      const v = encoder.lookup
        ? encoder.lookup(sentence.ids[i], t)
        : encoder.vector(sentence.ids[i], t, scratch)
        ? scratch
        : undefined;
      if (v === undefined) continue;
      used++;
      const n = out.length;
      if (pooling === "max") {
        for (let j = 0; j < n; j++) {
          if (v[j] > out[j]) out[j] = v[j];
        }
      } else {
        const w = weighted ? weight(t) : 1;
        sum += w;
        for (let j = 0; j < n; j++) out[j] += w * v[j];
      }
    }
    if (used === 0) {
      out.fill(0);
      return 0;
    }
    if (pooling === "mean") {
      if (sum <= 0) return -1;
      for (let j = 0; j < out.length; j++) out[j] /= sum;
    }
    return used;
  };
  let used = pass(true, true);
  if (used === 0) used = pass(false, true);
  if (used === -1) used = pass(true, false);
  if (used === -1 || used === 0) used = Math.max(0, pass(false, false));
  return used;
};
