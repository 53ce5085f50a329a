/**
 * Mean pooling straight from token keys, a batch at a time: the static
 * path's floor is a loop of table lookups and weighted sums, and this is as
 * close to it as a pipeline gets. Each text's tokens are scanned into keys
 * (`TokenKeys`), their filter decisions, weights and rows read from arrays
 * indexed by key, and every sentence's rows and weights gathered into one
 * batch-wide list; the sums then run sentence after sentence over the
 * table (`RowSource.weightedMeans`), so gathering and summing do not evict
 * each other's memory from the caches sentence by sentence.
 * @module
 */
import type { RowSource } from "./static_encoder.ts";
import type { KeyedTokenMemo } from "./token_memo.ts";
import type { TokenKeys } from "../tokenize/tokenized.ts";

// The gathered batch, grown on demand and reused (pooling is synchronous):
// rows and weights of every pending sentence, and per pending sentence its
// first row, its total weight and where its vector goes.
let handles = new Int32Array(1024);
let weights = new Float32Array(1024);
let starts = new Int32Array(65);
let totals = new Float64Array(64);
let at = new Int32Array(64);
// Repeats are merged while a sentence has this few distinct rows (as
// `poolSentence` does, so that the sums and their bits are the same).
const MERGE_WITHIN = 64;

const growRows = (need: number): void => {
  const n = Math.max(need, handles.length * 2);
  const h = new Int32Array(n);
  h.set(handles);
  handles = h;
  const w = new Float32Array(n);
  w.set(weights);
  weights = w;
};

const growSentences = (need: number): void => {
  const n = Math.max(need, totals.length * 2);
  const s = new Int32Array(n + 1);
  s.set(starts);
  starts = s;
  const t = new Float64Array(n);
  t.set(totals);
  totals = t;
  const a = new Int32Array(n);
  a.set(at);
  at = a;
};

/** Whether every row the last `gather` took is kept (so its sums may wait). */
let held = true;

/**
 * One pass of `poolSentence`'s mean over a table's rows, by key: gathers
 * the sentence's distinct rows and summed weights from `handles[base]` on.
 * Returns the rows gathered, or -1 when no token was used and -2 when the
 * weights sum to zero or less; `sum` is left in `passTotal`.
 */
let passTotal = 0;
const gather = (
  keys: Int32Array,
  count: number,
  table: TokenKeys,
  source: RowSource,
  memo: KeyedTokenMemo,
  filtered: boolean,
  weighted: boolean,
  base: number,
): number => {
  let rows = 0, used = 0, sum = 0;
  const kept = source.kept;
  held = true;
  source.beginSentence?.();
  if (base + count > handles.length) growRows(base + count);
  // Locals for the loop: `learn` may grow the memory's arrays (re-read then).
  const hs = handles, ws = weights;
  let state = memo.state, weight = memo.weight, row = memo.row;
  for (let i = 0; i < count; i++) {
    const k = keys[i];
    if (!(state[k] > 0)) {
      memo.learn(k, table.tokens[k]);
      state = memo.state, weight = memo.weight, row = memo.row;
    }
    if (filtered && state[k] === 2) continue;
    const w = weighted ? weight[k] : 1;
    let h = row[k] - 1;
    if (h < 0) {
      h = source.rowOf(table.ids[k], table.tokens[k]);
      if (h < 0) continue;
      if (kept !== undefined && kept(h)) row[k] = h + 1;
      else held = false;
    }
    used++;
    sum += w;
    const top = base + rows;
    let m = rows < MERGE_WITHIN ? base : top;
    while (m < top && hs[m] !== h) m++;
    if (m === top) {
      hs[m] = h;
      ws[m] = 0;
      rows++;
    }
    ws[m] += w;
  }
  passTotal = sum;
  if (used === 0) return -1;
  return sum <= 0 ? -2 : rows;
};

/**
 * Mean-pools `texts` into `out` (row `i` at `out[i·dim]`, zeros where the
 * table knows none of a text's tokens): what `poolSentence` gives each text
 * tokenized, bit for bit, with the same fallbacks (every token dropped →
 * unfiltered, every weight zero → unweighted). A text `keys.scan` declines
 * goes to `other(i)`, which pools it into its row some other way. `memo` is
 * the aggregator's memory for `keys.space`.
 */
export const poolTextsByKeys = (
  texts: ReadonlyArray<string>,
  keys: TokenKeys,
  source: RowSource,
  memo: KeyedTokenMemo,
  out: Float32Array,
  dim: number,
  other: (i: number) => void,
): void => {
  const batched = source.weightedMeans !== undefined;
  let pending = 0;
  const flush = () => {
    if (pending === 0) return;
    if (batched) {
      source.weightedMeans!(handles, weights, starts, totals, at, pending, out);
    } else {
      source.weightedMean(handles, weights, starts[1], totals[0], out, at[0]);
    }
    pending = 0;
  };
  for (let i = 0; i < texts.length; i++) {
    const count = keys.scan(texts[i]);
    if (count < 0) {
      // Pending sentences hold kept rows only: they may wait past it.
      other(i);
      continue;
    }
    const ks = keys.keys;
    if (pending === totals.length) growSentences(pending + 1);
    const base = starts[pending];
    let rows = gather(ks, count, keys, source, memo, true, true, base);
    if (rows === -1) {
      rows = gather(ks, count, keys, source, memo, false, true, base);
    }
    if (rows === -2) {
      rows = gather(ks, count, keys, source, memo, true, false, base);
    }
    if (rows < 0) {
      rows = gather(ks, count, keys, source, memo, false, false, base);
    }
    if (rows < 0) continue; // No token known: the row stays zeros.
    totals[pending] = passTotal;
    at[pending] = i * dim;
    starts[++pending] = base + rows;
    if (!batched || !held) flush();
  }
  flush();
};
