/**
 * Token ids of several sequences in one [batch, seq] block, left-padded as
 * decoder batches must be: the last real token of every row sits at seq − 1.
 */
export interface TokenBatch {
  readonly ids: Int32Array;
  /** 1 for a real token, 0 for padding; [batch, seq]. */
  readonly mask: Uint8Array;
  readonly batch: number;
  readonly seq: number;
}

/**
 * Left-pads sequences to the longest one with `padId`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { leftPad } from "./batch.ts";
 * const b = leftPad([[1, 5, 6], [1, 7]], 0);
 * assert.deepEqual(Array.from(b.ids), [1, 5, 6, 0, 1, 7]);
 * assert.deepEqual(Array.from(b.mask), [1, 1, 1, 0, 1, 1]);
 * ```
 */
export const leftPad = (
  rows: ReadonlyArray<ArrayLike<number>>,
  padId: number,
): TokenBatch => {
  const seq = Math.max(0, ...rows.map((r) => r.length));
  const ids = new Int32Array(rows.length * seq).fill(padId);
  const mask = new Uint8Array(rows.length * seq);
  rows.forEach((r, b) => {
    const start = b * seq + seq - r.length;
    for (let t = 0; t < r.length; t++) ids[start + t] = r[t];
    mask.fill(1, start, start + r.length);
  });
  return { ids, mask, batch: rows.length, seq };
};

/** Position ids under a mask: the count of real tokens before each one (0 for padding). */
export const positionsOf = (b: TokenBatch): Int32Array => {
  const pos = new Int32Array(b.batch * b.seq);
  for (let r = 0; r < b.batch; r++) {
    let n = 0;
    for (let t = 0; t < b.seq; t++) {
      const i = r * b.seq + t;
      pos[i] = b.mask[i] === 1 ? n++ : 0;
    }
  }
  return pos;
};

/** Index of the last real token of row r (−1 for an all-padding row). */
export const lastTokenIndex = (b: TokenBatch, r: number): number => {
  for (let t = b.seq - 1; t >= 0; t--) {
    if (b.mask[r * b.seq + t] === 1) return t;
  }
  return -1;
};
