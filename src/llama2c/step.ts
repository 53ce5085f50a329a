import {
  attend,
  finishLayer,
  logitsOf,
  projectQkv,
  scratchFor,
} from "./block.ts";
import { kvDim } from "./config.ts";
import { ropeTable } from "./rope.ts";
import type { LlamaWeights } from "./weights.ts";

/** Token-at-a-time forward with a KV cache, as llama2.c's `forward(token, pos)`. */
export interface Stepper {
  /**
   * Feeds `token` at position `pos` (0, 1, 2, … in order; an earlier `pos`
   * overwrites the cache from there) and returns the next-token logits. The
   * returned array is reused by the next call.
   */
  step(token: number, pos: number): Float32Array;
}

/**
 * A stepper whose cache holds `capacity` positions (the model's seq_len by
 * default).
 *
 * @example
 * ```ts ignore
 * const logits = kvCacheStepper(weights).step(1, 0); // after BOS
 * ```
 */
export const kvCacheStepper = (
  w: LlamaWeights,
  capacity: number = w.config.seqLen,
): Stepper => {
  const c = w.config;
  const kvd = kvDim(c);
  const keys = w.layers.map(() => new Float32Array(capacity * kvd));
  const values = w.layers.map(() => new Float32Array(capacity * kvd));
  const rope = ropeTable(c.dim / c.nHeads, capacity, c.ropeTheta);
  const s = scratchFor(c, capacity);
  const x = new Float32Array(c.dim);
  const q = new Float32Array(c.dim);
  const logits = new Float32Array(c.vocabSize);
  return {
    step(token, pos) {
      if (!(token >= 0 && token < c.vocabSize)) {
        throw new RangeError(
          `token ${token} is outside the vocabulary [0, ${c.vocabSize})`,
        );
      }
      if (!(pos >= 0 && pos < capacity)) {
        throw new RangeError(
          `position ${pos} is outside the cache [0, ${capacity})`,
        );
      }
      x.set(w.tokenEmbedding.subarray(token * c.dim, (token + 1) * c.dim));
      for (let l = 0; l < c.nLayers; l++) {
        const target = { q, qAt: 0, k: keys[l], v: values[l], kvAt: pos * kvd };
        projectQkv(w, l, x, 0, pos, rope, s, target);
        const range = {
          first: 0,
          count: pos + 1,
          mask: null,
          maskAt: 0,
          self: pos,
        };
        attend(c, q, 0, keys[l], values[l], range, s);
        finishLayer(w, l, x, 0, s);
      }
      logitsOf(w, x, 0, logits, s);
      return logits;
    },
  };
};
