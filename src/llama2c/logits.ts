import { logitsOf, scratchFor } from "./block.ts";
import type { HiddenStates } from "./hidden_states.ts";
import type { LlamaWeights } from "./weights.ts";

/** Next-token logits at (row, t) of the final hidden states: final RMSNorm, then the classifier. */
export const logitsOfHidden = (
  w: LlamaWeights,
  h: HiddenStates,
  row: number,
  t: number,
): Float32Array => {
  const [layers, , seq, dim] = h.shape;
  const at = (((layers - 1) * h.shape[1] + row) * seq + t) * dim;
  const out = new Float32Array(w.config.vocabSize);
  logitsOf(w, h.data, at, out, scratchFor(w.config, 1));
  return out;
};
