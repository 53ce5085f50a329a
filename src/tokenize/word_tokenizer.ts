import { stemmer } from "stemmer";
import { fnv1a } from "./fnv1a.ts";
import type { Tokenized, Tokenizer } from "./tokenized.ts";

// Runs of letters (with inner apostrophes kept apart, as Moses does: "woman's"
// → "woman", "'s"), runs of digits with inner separators, or one other symbol.
const TOKEN =
  /'\p{L}+|\p{L}[\p{L}\p{M}]*|\p{N}+(?:[.,:]\p{N}+)*|[^\s\p{L}\p{N}]/gu;

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
  // Stemming is the tokenizer's cost; words repeat, so each is stemmed once.
  const stems = new Map<string, string>();
  const stemWord = (w: string): string => {
    let s = stems.get(w);
    if (s === undefined) {
      s = LETTERS.test(w) ? stemmer(w) : w;
      if (stems.size < STEM_CACHE_LIMIT) stems.set(w, s);
    }
    return s;
  };
  return {
    name: (options.lowercase ? "words (lowercased)" : "words") +
      (options.stem ? ", Porter stems" : ""),
    tokenize(text: string): Tokenized {
      const source = options.lowercase ? text.toLowerCase() : text;
      const words = source.match(TOKEN) ?? [];
      // Stems let "plays"/"playing"/"played" share one vector: with static
      // vectors, matching inflected forms is most of what STS rewards.
      const tokens = options.stem ? words.map(stemWord) : words;
      const ids = new Uint32Array(tokens.length);
      for (let i = 0; i < tokens.length; i++) ids[i] = fnv1a(tokens[i]);
      return { tokens, ids, special: new Uint8Array(tokens.length) };
    },
  };
};

const LETTERS = /^\p{L}+$/u;
const STEM_CACHE_LIMIT = 200_000;
