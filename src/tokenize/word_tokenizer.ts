import { stemmer } from "stemmer";
import { fnv1a } from "./fnv1a.ts";
import type { Tokenized, Tokenizer } from "./tokenized.ts";
import { scanAscii, wordTable } from "./word_table.ts";

// Runs of letters (with inner apostrophes kept apart, as Moses does: "woman's"
// → "woman", "'s"), runs of digits with inner separators, or one other symbol.
const TOKEN =
  /'\p{L}+|\p{L}[\p{L}\p{M}]*|\p{N}+(?:[.,:]\p{N}+)*|[^\s\p{L}\p{N}]/gu;
// The same pattern for text with no character past U+007F (where \p{L} is
// A–Z/a–z, \p{N} is 0–9 and \p{M} is empty): V8 matches it without Unicode
// tables, 30% faster on STS-B, where most sentences are ASCII.
const ASCII_TOKEN =
  /'[A-Za-z]+|[A-Za-z]+|[0-9]+(?:[.,:][0-9]+)*|[^\sA-Za-z0-9]/g;
const NON_ASCII = /[\u0080-\uffff]/;

/**
 * A vocabulary-free tokenizer for static models: no file to load, the same
 * tokens on every platform, and ids that are hashes of the token text.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { wordTokenizer } from "./word_tokenizer.ts";
 * const t = wordTokenizer({ lowercase: true }).tokenize("A woman's hat, 3.5 cm.");
 * assert.deepEqual(t.tokens, ["a", "woman", "'s", "hat", ",", "3.5", "cm", "."]);
 * ```
 *
 * With `stem`, letter tokens are reduced to their Porter stems (via the
 * maintained `stemmer` package); other tokens are kept as they are.
 * ```ts
 * import assert from "node:assert/strict";
 * import { wordTokenizer } from "./word_tokenizer.ts";
 * const t = wordTokenizer({ lowercase: true, stem: true }).tokenize("Dogs were playing.");
 * assert.deepEqual(t.tokens, ["dog", "were", "plai", "."]);
 * ```
 */
export const wordTokenizer = (
  options: { readonly lowercase: boolean; readonly stem?: boolean },
): Tokenizer => {
  // Stemming is the tokenizer's cost, and words repeat: each is stemmed and
  // hashed once, and one lookup gives both. ASCII text (most sentences) is
  // scanned by hand and looked up without a string per word.
  const table = wordTable(
    options.stem
      ? (w) => {
        const token = LETTERS.test(w) ? stemmer(w) : w;
        return { token, id: fnv1a(token) };
      }
      : (w) => ({ token: w, id: fnv1a(w) }),
    options.lowercase,
  );
  let scratch: Int32Array = new Int32Array(256);
  const fromEntries = (count: number): Tokenized => {
    const tokens = new Array<string>(count);
    const ids = new Uint32Array(count);
    let stable = true;
    for (let i = 0; i < count; i++) {
      const e = scratch[i];
      tokens[i] = table.tokens[e];
      ids[i] = table.ids[e];
      if (e === table.overflow) stable = false;
    }
    const special = new Uint8Array(count);
    // Entry indexes name words (and so tokens) for good, but the overflow's.
    return stable
      ? { tokens, ids, special, keys: scratch.slice(0, count), keySpace: table }
      : { tokens, ids, special };
  };
  return {
    name: (options.lowercase ? "words (lowercased)" : "words") +
      (options.stem ? ", Porter stems" : ""),
    tokenize(text: string): Tokenized {
      if (!NON_ASCII.test(text)) {
        const r = scanAscii(text, table, options.lowercase, scratch);
        scratch = r.out;
        return fromEntries(r.count);
      }
      const source = options.lowercase ? text.toLowerCase() : text;
      const words =
        source.match(NON_ASCII.test(source) ? TOKEN : ASCII_TOKEN) ??
          [];
      const n = words.length;
      if (n > scratch.length) scratch = new Int32Array(n);
      // Stems let "plays"/"playing"/"played" share one vector: with static
      // vectors, matching inflected forms is most of what STS rewards.
      for (let i = 0; i < n; i++) scratch[i] = table.word(words[i]);
      return fromEntries(n);
    },
  };
};

const LETTERS = /^\p{L}+$/u;
