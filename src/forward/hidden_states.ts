/**
 * Every hidden state of a batch: `data` is [count, batch, seq, dim] row-major,
 * where state 0 is the embedding output and state `count - 1` the model's
 * last hidden state (after the final norm in pre-norm decoders, as Hugging
 * Face's `output_hidden_states` gives them). `mask` is the batch's attention
 * mask [batch, seq], so pooling can skip padding on either side.
 */
export interface HiddenStates {
  readonly count: number;
  readonly batch: number;
  readonly seq: number;
  readonly dim: number;
  readonly data: Float32Array;
  readonly mask: Uint8Array;
}

/** State `layer` as a [batch, seq, dim] view (no copy). */
export const layerView = (h: HiddenStates, layer: number): Float32Array => {
  if (!Number.isInteger(layer) || layer < 0 || layer >= h.count) {
    throw new RangeError(
      `hidden state ${layer} out of range 0..${h.count - 1}`,
    );
  }
  const size = h.batch * h.seq * h.dim;
  return h.data.subarray(layer * size, (layer + 1) * size);
};
