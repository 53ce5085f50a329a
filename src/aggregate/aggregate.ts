import { type Embeddings, zeros } from "../embeddings.ts";
import { type Pooling, poolSentence } from "./pool.ts";
import type { TokenFilter } from "./token_filter.ts";
import { memoTokenFns } from "./token_memo.ts";
import type { TokenWeight } from "./weighting.ts";
import type { StaticEncoder } from "./static_encoder.ts";
import type { Tokenized, TokenKeys } from "../tokenize/tokenized.ts";
import { poolTextsByKeys } from "./pool_keys.ts";

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

const memoOf = (agg: Aggregator) => {
  let memo = memos.get(agg);
  if (memo === undefined) {
    memo = memoTokenFns(agg.keep, agg.weight);
    memos.set(agg, memo);
  }
  return memo;
};

/** Pools each tokenized sentence into one row of a new batch. */
export const aggregate = (
  sentences: ReadonlyArray<Tokenized>,
  agg: Aggregator,
): Embeddings => {
  const dim = agg.encoder.dim;
  const out = zeros(sentences.length, dim);
  const scratch = new Float32Array(dim);
  const memo = memoOf(agg);
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

/**
 * `aggregate(texts.map(tokenize), agg)`, bit for bit, fused: where the
 * tokenizer scans a text into keys ({@link TokenKeys}) and the encoder sums
 * its own rows by mean, each text is scanned and its rows gathered by key,
 * then the batch is summed in one pass (`pool_keys.ts`), with no tokenized
 * sentence, string or view made per text; other texts (and other
 * aggregators) go through `tokenize`.
 */
export const aggregateTexts = (
  texts: ReadonlyArray<string>,
  keys: TokenKeys,
  tokenize: (text: string) => Tokenized,
  agg: Aggregator,
): Embeddings => {
  const source = agg.encoder.rows;
  if (source === undefined || agg.pooling !== "mean") {
    return aggregate(texts.map(tokenize), agg);
  }
  const dim = agg.encoder.dim;
  const out = zeros(texts.length, dim);
  const memo = memoOf(agg);
  let scratch: Float32Array | undefined;
  poolTextsByKeys(
    texts,
    keys,
    source,
    memo.keyed(keys.space),
    out.data,
    dim,
    (i) =>
      poolSentence(
        tokenize(texts[i]),
        agg.encoder,
        memo.weight,
        memo.keep,
        agg.pooling,
        out.data.subarray(i * dim, (i + 1) * dim),
        scratch ??= new Float32Array(dim),
        memo.keyed,
      ),
  );
  return out;
};
