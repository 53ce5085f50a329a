/**
 * A tokenized batch padded to one length: row `b` is `ids[b*seq .. (b+1)*seq)`,
 * `mask` is 1 on real tokens and 0 on padding. Encoders are padded on the
 * right, decoders on the left (so every row's last real token is at the end).
 */
export interface PaddedBatch {
  /** The number of rows. */
  readonly batch: number;
  /** The padded sequence length. */
  readonly seq: number;
  /** Token ids, `batch × seq`. */
  readonly ids: Int32Array;
  /** 1 where a position holds a real token. */
  readonly mask: Uint8Array;
  /** Segment ids for encoders that take `token_type_ids`; zeros when absent. */
  readonly typeIds?: Int32Array;
  /**
   * Token Prepending graphs only: 1 at each row's `<PST>` position, 0
   * elsewhere, [batch, seq] (the `tp_mask` input).
   */
  readonly tpMask?: Float32Array;
}

/**
 * Pads token id sequences to their longest length with `padId`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { padBatch } from "./pad_batch.ts";
 * const b = padBatch([Uint32Array.of(5, 6, 7), Uint32Array.of(8)], 0, "left");
 * assert.deepEqual([...b.ids], [5, 6, 7, 0, 0, 8]);
 * assert.deepEqual([...b.mask], [1, 1, 1, 0, 0, 1]);
 * ```
 */
export const padBatch = (
  rows: ReadonlyArray<ArrayLike<number>>,
  padId: number,
  side: "left" | "right",
): PaddedBatch => {
  if (rows.length === 0) {
    throw new RangeError("padBatch needs at least one row");
  }
  const seq = Math.max(...rows.map((r) => r.length));
  const ids = new Int32Array(rows.length * seq).fill(padId);
  const mask = new Uint8Array(rows.length * seq);
  rows.forEach((r, b) => {
    const start = b * seq + (side === "left" ? seq - r.length : 0);
    for (let i = 0; i < r.length; i++) {
      ids[start + i] = r[i];
      mask[start + i] = 1;
    }
  });
  return { batch: rows.length, seq, ids, mask };
};

/**
 * Decoder position ids from the mask, as Hugging Face generation computes
 * them: the running count of real tokens minus one, and 1 on padding.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { positionIds } from "./pad_batch.ts";
 * const p = positionIds({ batch: 1, seq: 4, ids: new Int32Array(4), mask: Uint8Array.of(0, 0, 1, 1) });
 * assert.deepEqual([...p], [1, 1, 0, 1]);
 * ```
 */
export const positionIds = (b: PaddedBatch): Int32Array => {
  const out = new Int32Array(b.batch * b.seq);
  for (let r = 0; r < b.batch; r++) {
    let count = 0;
    for (let i = 0; i < b.seq; i++) {
      const at = r * b.seq + i;
      count += b.mask[at];
      out[at] = b.mask[at] === 1 ? count - 1 : 1;
    }
  }
  return out;
};
