import type { Tokenized } from "./tokenized.ts";

/**
 * Keeps at most `max` tokens of a sentence. A closing special token
 * ([SEP], </s>) is kept in the last slot, as transformer tokenizers do when
 * they truncate, so encoders still see a well-formed sequence.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const t = {
 *   tokens: ["[CLS]", "a", "b", "c", "[SEP]"],
 *   ids: Uint32Array.of(101, 1, 2, 3, 102),
 *   special: Uint8Array.of(1, 0, 0, 0, 1),
 * };
 * assert.deepEqual(truncateTokens(t, 3).tokens, ["[CLS]", "a", "[SEP]"]);
 * ```
 */
export const truncateTokens = (t: Tokenized, max: number): Tokenized => {
  const n = t.tokens.length;
  if (n <= max) return t;
  if (max < 1) throw new RangeError(`cannot truncate to ${max} tokens`);
  const keepLast = max >= 2 && t.special[n - 1] === 1;
  const head = keepLast ? max - 1 : max;
  const ids = new Uint32Array(max);
  const special = new Uint8Array(max);
  ids.set(t.ids.subarray(0, head));
  special.set(t.special.subarray(0, head));
  const tokens = t.tokens.slice(0, head);
  if (keepLast) {
    ids[head] = t.ids[n - 1];
    special[head] = 1;
    tokens.push(t.tokens[n - 1]);
  }
  return { tokens, ids, special };
};
