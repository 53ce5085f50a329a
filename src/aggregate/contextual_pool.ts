import type { Tokenized } from "../tokenize/tokenized.ts";
import type { TokenFilter } from "./token_filter.ts";
import type { TokenWeight } from "./weighting.ts";

/** How a transformer's token states are pooled into one vector. */
export type ContextualPooling =
  | "mean"
  | "max"
  | "cls"
  | "last"
  | "mask"
  | "meanSqrtLen";

/** Where one sentence sits in a padded [batch, seq, dim] layer. */
export interface RowPlace {
  /** The layer, [batch, seq, dim] row-major. */
  readonly states: Float32Array;
  readonly seq: number;
  readonly dim: number;
  readonly row: number;
  /** Attention mask [batch, seq]: which positions hold real tokens. */
  readonly mask: Uint8Array;
}

/**
 * Pools one sentence's contextual vectors into `out`. Token `i` of the
 * sentence is the `i`-th real position of its row, found from the attention
 * mask, so left and right padding are both read correctly.
 *
 * - `cls`: the first real token; `last`: the last real token;
 * - `mask`: the position of `maskId` (a prompt's [MASK]);
 * - `mean`/`max`: over the tokens the filter keeps, `mean` weighted; if the
 *   filter keeps none, over every non-special token, then every token;
 * - `meanSqrtLen`: Σ vᵢ / √n over every real token (sentence-transformers).
 *
 * Returns false when the position it needs is absent (no [MASK] token).
 */
export const poolContextual = (
  sentence: Tokenized,
  place: RowPlace,
  pooling: ContextualPooling,
  weight: TokenWeight,
  keep: TokenFilter,
  maskId: number | undefined,
  out: Float32Array,
): boolean => {
  const { states, seq, dim, row, mask } = place;
  // Real positions of this row, in order: token i sits at positions[i].
  const rowMask = mask.subarray(row * seq, (row + 1) * seq);
  let first = -1, last = -1, real = 0;
  for (let p = 0; p < seq; p++) {
    if (rowMask[p]) {
      if (first < 0) first = p;
      last = p;
      real++;
    }
  }
  if (real !== sentence.ids.length) {
    throw new RangeError(
      `row ${row} has ${real} real positions for ${sentence.ids.length} tokens`,
    );
  }
  const at = (p: number) => (row * seq + p) * dim;
  const copy = (p: number) => out.set(states.subarray(at(p), at(p) + dim));
  switch (pooling) {
    case "cls":
      copy(first);
      return true;
    case "last":
      copy(last);
      return true;
    case "mask": {
      const i = maskId === undefined ? -1 : sentence.ids.indexOf(maskId);
      if (i < 0) return false;
      copy(first + i);
      return true;
    }
    case "meanSqrtLen": {
      out.fill(0);
      for (let p = first; p <= last; p++) {
        if (!rowMask[p]) continue;
        const base = at(p);
        for (let j = 0; j < dim; j++) out[j] += states[base + j];
      }
      const s = 1 / Math.sqrt(real);
      for (let j = 0; j < dim; j++) out[j] *= s;
      return true;
    }
    case "mean":
    case "max": {
      const n = sentence.ids.length;
      const pass = (level: 0 | 1 | 2): boolean => {
        out.fill(pooling === "max" ? -Infinity : 0);
        let sum = 0, used = 0;
        for (let i = 0; i < n; i++) {
          const t = sentence.tokens[i];
          const special = sentence.special[i] === 1;
          if (level === 0 && !keep(t, special)) continue;
          if (level === 1 && special) continue;
          const base = at(first + i);
          used++;
          if (pooling === "max") {
            for (let j = 0; j < dim; j++) {
              if (states[base + j] > out[j]) out[j] = states[base + j];
            }
          } else {
            const w = level === 0 ? weight(t) : 1;
            sum += w;
            for (let j = 0; j < dim; j++) out[j] += w * states[base + j];
          }
        }
        if (used === 0) return false;
        if (pooling === "mean") {
          if (!(sum > 0)) return false;
          for (let j = 0; j < dim; j++) out[j] /= sum;
        }
        return true;
      };
      return pass(0) || pass(1) || pass(2);
    }
  }
};
