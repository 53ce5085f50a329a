/**
 * Groups records into batches bounded by a token budget and a row cap, in
 * input order, pulling one record at a time.
 */

/** Limits of one batch. */
export interface TokenBatchOptions {
  /** Tokens of one text (called once per record). */
  readonly countTokens: (text: string) => number;
  /** Most tokens in a batch; a record over it alone makes a batch of one. */
  readonly maxTokens: number;
  /** Most records in a batch. */
  readonly maxRows: number;
  /**
   * Count a batch as padded: rows × its longest record, as a transformer's
   * padded input costs. Default false: the sum of the records' tokens.
   */
  readonly padded?: boolean;
}

/**
 * Batches of `records` in input order: each holds as many records as fit in
 * `maxTokens` and `maxRows`; a record alone over `maxTokens` gets its own
 * batch. Works on sync and async iterables.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { batchByTokens } from "./batch_tokens.ts";
 *
 * const texts = ["a b", "c", "d e f g h", "i j", "k"];
 * const batches = await Array.fromAsync(batchByTokens(
 *   texts.map((text) => ({ text })),
 *   { countTokens: (s) => s.split(" ").length, maxTokens: 4, maxRows: 2 },
 * ));
 * assert.deepEqual(
 *   batches.map((b) => b.map((r) => r.text)),
 *   [["a b", "c"], ["d e f g h"], ["i j", "k"]],
 * );
 * ```
 */
export async function* batchByTokens<R extends { readonly text: string }>(
  records: AsyncIterable<R> | Iterable<R>,
  options: TokenBatchOptions,
): AsyncGenerator<R[]> {
  if (!(options.maxRows >= 1) || !(options.maxTokens >= 1)) {
    throw new RangeError(
      `maxRows and maxTokens must be at least 1, got ${options.maxRows} and ${options.maxTokens}`,
    );
  }
  let batch: R[] = [];
  let sum = 0;
  let longest = 0;
  for await (const record of records) {
    const tokens = options.countTokens(record.text);
    const nextSum = sum + tokens;
    const nextLongest = Math.max(longest, tokens);
    const cost = options.padded ? nextLongest * (batch.length + 1) : nextSum;
    if (batch.length > 0 && cost > options.maxTokens) {
      yield batch;
      batch = [];
      sum = longest = 0;
    }
    batch.push(record);
    sum += tokens;
    longest = Math.max(longest, tokens);
    // A full batch goes at once, without waiting for the next record.
    if (batch.length >= options.maxRows) {
      yield batch;
      batch = [];
      sum = longest = 0;
    }
  }
  if (batch.length > 0) yield batch;
}
