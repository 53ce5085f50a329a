import { type Embeddings, zeros } from "../embeddings.ts";
import { type Pooling, poolSentence } from "./pool.ts";
import type { TokenFilter } from "./token_filter.ts";
import { memoTokenFns } from "./token_memo.ts";
import type { TokenWeight } from "./weighting.ts";
import type { StaticEncoder } from "./static_encoder.ts";
import type { Tokenized } from "../tokenize/tokenized.ts";

/** How a static encoder's token vectors become one sentence vector. */
export interface Aggregator {
  /** The token vectors. */
  readonly encoder: StaticEncoder;
  /** Each token's weight. */
  readonly weight: TokenWeight;
  /** Which tokens count. */
  readonly keep: TokenFilter;
  /** How the kept, weighted vectors are pooled. */
  readonly pooling: Pooling;
}

// Each aggregator's filter and weight, remembered per token across calls.
const memos = new WeakMap<Aggregator, ReturnType<typeof memoTokenFns>>();

/** Pools each tokenized sentence into one row of a new batch. */
export const aggregate = (
  sentences: ReadonlyArray<Tokenized>,
  agg: Aggregator,
): Embeddings => {
  const dim = agg.encoder.dim;
  const out = zeros(sentences.length, dim);
  const scratch = new Float32Array(dim);
  let memo = memos.get(agg);
  if (memo === undefined) {
    memo = memoTokenFns(agg.keep, agg.weight);
    memos.set(agg, memo);
  }
  for (let i = 0; i < sentences.length; i++) {
    poolSentence(
      sentences[i],
      agg.encoder,
      memo.weight,
      memo.keep,
      agg.pooling,
      out.data.subarray(i * dim, (i + 1) * dim),
      scratch,
      memo.keyed,
    );
  }
  return out;
};
