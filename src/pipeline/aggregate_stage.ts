import { type Embeddings, zeros } from "../embeddings.ts";
import { type Pooling, poolSentence } from "../aggregate/pool.ts";
import type { TokenFilter } from "../aggregate/token_filter.ts";
import type { TokenWeight } from "../aggregate/weighting.ts";
import type { StaticEncoder } from "../static/static_encoder.ts";
import type { Tokenized } from "../tokenize/tokenized.ts";

export interface Aggregator {
  readonly encoder: StaticEncoder;
  readonly weight: TokenWeight;
  readonly keep: TokenFilter;
  readonly pooling: Pooling;
}

/** Pools each tokenized sentence into one row of a new batch. */
export const aggregate = (
  sentences: ReadonlyArray<Tokenized>,
  agg: Aggregator,
): Embeddings => {
  const dim = agg.encoder.dim;
  const out = zeros(sentences.length, dim);
  const scratch = new Float32Array(dim);
  for (let i = 0; i < sentences.length; i++) {
    poolSentence(
      sentences[i],
      agg.encoder,
      agg.weight,
      agg.keep,
      agg.pooling,
      out.data.subarray(i * dim, (i + 1) * dim),
      scratch,
    );
  }
  return out;
};
