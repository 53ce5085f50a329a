import type { StaticEncoder } from "../static/static_encoder.ts";
import type { Tokenized } from "../tokenize/tokenized.ts";
import type { TokenFilter } from "./token_filter.ts";
import type { TokenWeight } from "./weighting.ts";

export type Pooling = "mean" | "max";

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
 * `out` is all zeros).
 */
export const poolSentence = (
  sentence: Tokenized,
  encoder: StaticEncoder,
  weight: TokenWeight,
  keep: TokenFilter,
  pooling: Pooling,
  out: Float32Array,
  scratch: Float32Array,
): number => {
  const pass = (filtered: boolean, weighted: boolean): number => {
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
