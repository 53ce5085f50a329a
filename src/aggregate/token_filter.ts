/** Decides whether a token takes part in pooling. */
export type TokenFilter = (token: string, special: boolean) => boolean;

/** What to drop before pooling (the "−biases" of PromptBERT, METHODS §1). */
export interface FilterOptions {
  readonly special: boolean;
  readonly punctuation: boolean;
  readonly subwords: boolean;
  /** Tokens dropped by name: a fixed stop list and/or the N most frequent. */
  readonly drop: ReadonlySet<string>;
}

// A token with no letter or digit: ".", ",", "--", "'", "(".
const PUNCTUATION = /^[^\p{L}\p{N}]+$/u;

/**
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tokenFilter } from "./token_filter.ts";
 * const keep = tokenFilter({ special: true, punctuation: true, subwords: true, drop: new Set(["the"]) });
 * assert.deepEqual(
 *   ["[CLS]", "the", "cat", "##s", ",", "[SEP]"].filter((t, i) => keep(t, i === 0 || i === 5)),
 *   ["cat"],
 * );
 * ```
 */
export const tokenFilter = (options: FilterOptions): TokenFilter =>
(
  token,
  special,
) =>
  !(options.special && special) &&
  !(options.punctuation && PUNCTUATION.test(token)) &&
  !(options.subwords && token.startsWith("##")) &&
  !options.drop.has(token);
