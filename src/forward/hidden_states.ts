/**
 * Every hidden state of a batch: `data` is [count, batch, seq, dim] row-major,
 * where state 0 is the embedding output and state `count - 1` the model's
 * last hidden state (after the final norm in pre-norm decoders, as Hugging
 * Face's `output_hidden_states` gives them). `mask` is the batch's attention
 * mask [batch, seq], so pooling can skip padding on either side.
 */
export interface HiddenStates {
  /** The number of hidden states (L + 1). */
  readonly count: number;
  /** The number of rows in the batch. */
  readonly batch: number;
  /** The padded sequence length. */
  readonly seq: number;
  /** The hidden dimension. */
  readonly dim: number;
  /** The states, `count × batch × seq × dim` values. */
  readonly data: Float32Array;
  /** 1 where a position holds a real token, `batch × seq`. */
  readonly mask: Uint8Array;
  /**
   * When only some states were fetched: the state each of the `count` slabs
   * holds (`[12]`: slab 0 is state 12). Absent: slab k is state k.
   */
  readonly layers?: ReadonlyArray<number>;
}

/**
 * State `layer` as a [batch, seq, dim] view (no copy).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { layerView } from "./hidden_states.ts";
 * const h = { count: 2, batch: 1, seq: 1, dim: 2, data: Float32Array.of(1, 2, 3, 4), mask: Uint8Array.of(1), layers: [4, 12] };
 * assert.deepEqual([...layerView(h, 12)], [3, 4]);
 * assert.throws(() => layerView(h, 0), RangeError);
 * ```
 */
export const layerView = (h: HiddenStates, layer: number): Float32Array => {
  const slab = h.layers ? h.layers.indexOf(layer) : layer;
  if (!Number.isInteger(slab) || slab < 0 || slab >= h.count) {
    throw new RangeError(
      h.layers
        ? `hidden state ${layer} was not fetched (have ${h.layers.join(", ")})`
        : `hidden state ${layer} out of range 0..${h.count - 1}`,
    );
  }
  const size = h.batch * h.seq * h.dim;
  return h.data.subarray(slab * size, (slab + 1) * size);
};
