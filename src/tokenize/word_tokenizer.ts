import { stemmer } from "stemmer";
import { fnv1a } from "./fnv1a.ts";
import type { Tokenized, Tokenizer, TokenKeys } from "./tokenized.ts";
import { type EntryBuffer, scanAscii, wordTable } from "./word_table.ts";

// Runs of letters (with inner apostrophes kept apart, as Moses does: "woman's"
// → "woman", "'s"), runs of digits with inner separators, or one other symbol.
const TOKEN =
  /'\p{L}+|\p{L}[\p{L}\p{M}]*|\p{N}+(?:[.,:]\p{N}+)*|[^\s\p{L}\p{N}]/gu;
// ASCII text (most sentences) is scanned by hand (`scanAscii`, which splits
// as this pattern does where every character is below U+0080).

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
  const buffer: EntryBuffer = { entries: new Int32Array(256) };
  const fromEntries = (count: number): Tokenized => {
    const entries = buffer.entries;
    const tokens = new Array<string>(count);
    const ids = new Uint32Array(count);
    let stable = true;
    for (let i = 0; i < count; i++) {
      const e = entries[i];
      tokens[i] = table.tokens[e];
      ids[i] = table.ids[e];
      if (e === table.overflow) stable = false;
    }
    const special = new Uint8Array(count);
    // Entry indexes name words (and so tokens) for good, but the overflow's.
    return stable
      ? { tokens, ids, special, keys: entries.slice(0, count), keySpace: table }
      : { tokens, ids, special };
  };
  const keys: TokenKeys = {
    space: table,
    tokens: table.tokens,
    ids: table.ids,
    get keys() {
      return buffer.entries;
    },
    scan(text) {
      const count = scanAscii(text, table, options.lowercase, buffer);
      if (count > 0 && table.tokens.length > table.overflow) {
        // The table is full: the overflow entry names no word for good.
        for (let i = 0; i < count; i++) {
          if (buffer.entries[i] === table.overflow) return -1;
        }
      }
      return count;
    },
  };
  return {
    name: (options.lowercase ? "words (lowercased)" : "words") +
      (options.stem ? ", Porter stems" : ""),
    keys,
    tokenize(text: string): Tokenized {
      const count = scanAscii(text, table, options.lowercase, buffer);
      if (count >= 0) return fromEntries(count);
      const source = options.lowercase ? text.toLowerCase() : text;
      const words = source.match(TOKEN) ?? [];
      const n = words.length;
      if (n > buffer.entries.length) buffer.entries = new Int32Array(n);
      // Stems let "plays"/"playing"/"played" share one vector: with static
      // vectors, matching inflected forms is most of what STS rewards.
      for (let i = 0; i < n; i++) buffer.entries[i] = table.word(words[i]);
      return fromEntries(n);
    },
  };
};

const LETTERS = /^\p{L}+$/u;
