/**
 * The word tokenizer's memory of words it has seen: each distinct (lowercased)
 * word once, with its token (the Porter stem, or the word) and id. Found by
 * the word's FNV-1a hash and compared character by character, so an ASCII
 * sentence is scanned and looked up without making a string per word; only
 * a word seen for the first time is cut out of the text.
 * @module
 */

/** What a word becomes: its token and that token's id. */
export type WordEntry = (word: string) => { token: string; id: number };

/** Distinct words remembered at most; past it, new words are not kept. */
const LIMIT = 200_000;
// Open addressing, at most 38% full: a probe rarely goes past its slot
// (2^19 slots at most, for the limit's words).
const MAX_BITS = 19;
// Lengths a slot records; longer words record this and compare in full.
const LONG = 4095;
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** Interned words, looked up by a span of a text or by a string. */
export interface WordTable {
  /** Entry index of `text[start, end)` (lowercased when asked), adding it when new. */
  span(text: string, start: number, end: number, hash: number): number;
  /** Entry index of `word`, adding it when new. */
  word(word: string): number;
  /** Each entry's token. */
  readonly tokens: ReadonlyArray<string>;
  /** Each entry's id. */
  readonly ids: ReadonlyArray<number>;
  /**
   * The entry a word past the limit gets, rewritten for each such word: the
   * only index that does not always name the same word.
   */
  readonly overflow: number;
}

/** Lowercases an ASCII code unit when `lower`. */
const fold = (c: number, lower: boolean): number =>
  lower && c >= 65 && c <= 90 ? c | 32 : c;

/**
 * An empty table; `entry` says what a new word becomes, `lowercase` whether
 * spans are looked up lowercased (words passed to `word` already are).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fnv1a } from "./fnv1a.ts";
 * import { wordTable } from "./word_table.ts";
 * const t = wordTable((w) => ({ token: w, id: fnv1a(w) }), true);
 * const a = t.span("The cat", 4, 7, fnv1a("cat"));
 * assert.equal(t.word("cat"), a);
 * assert.deepEqual([t.tokens[a], t.ids[a]], ["cat", fnv1a("cat")]);
 * ```
 */
export const wordTable = (entry: WordEntry, lowercase: boolean): WordTable => {
  // A slot is four int32s, 16 bytes: the word's hash, its entry index + 1
  // (0: empty) with its length (up to 4095) above bit 20, and its first
  // eight code units a byte each (0x80 for a unit past U+007F). An ASCII
  // word of up to eight characters is found in its slot alone, one cache
  // line, without reading the word; longer ones compare the rest. The table
  // starts small and doubles, so the slots of the words in use stay in
  // cache.
  let bits = 12;
  let slots = new Int32Array(4 << bits);
  const hashes: number[] = [];
  const words: string[] = [];
  const tokens: string[] = [];
  const ids: number[] = [];
  const place = (e: number): void => {
    const mask = (1 << bits) - 1;
    let slot = hashes[e] & mask;
    while (slots[4 * slot + 1] !== 0) slot = (slot + 1) & mask;
    const w = words[e];
    let p0 = 0, p1 = 0;
    for (let i = 0; i < w.length && i < 8; i++) {
      const c = w.charCodeAt(i);
      const b = c > 127 ? 0x80 : c;
      if (i < 4) p0 |= b << (8 * i);
      else p1 |= b << (8 * (i - 4));
    }
    slots[4 * slot] = hashes[e];
    slots[4 * slot + 1] = (Math.min(w.length, LONG) << 20) | (e + 1);
    slots[4 * slot + 2] = p0;
    slots[4 * slot + 3] = p1;
  };
  // A word past the limit gets this one scratch entry, rewritten each time.
  const add = (word: string, hash: number): number => {
    const e = entry(word);
    if (words.length < LIMIT) {
      words.push(word);
      tokens.push(e.token);
      ids.push(e.id);
      hashes.push(hash | 0);
      if (words.length * 8 > 3 << bits && bits < MAX_BITS) {
        bits++;
        slots = new Int32Array(4 << bits);
        for (let i = 0; i < words.length; i++) place(i);
      } else place(words.length - 1);
      return words.length - 1;
    }
    tokens[LIMIT] = e.token;
    ids[LIMIT] = e.id;
    return LIMIT;
  };
  return {
    tokens,
    ids,
    overflow: LIMIT,
    span(text, start, end, hash) {
      const n = end - start;
      const mask = (1 << bits) - 1;
      const h = hash | 0;
      // The span's slot fields: its length and first eight units, folded.
      let p0 = 0, p1 = 0, ascii = true;
      for (let i = 0; i < n && i < 8; i++) {
        const c = fold(text.charCodeAt(start + i), lowercase);
        if (c > 127) ascii = false;
        const b = c > 127 ? 0x80 : c;
        if (i < 4) p0 |= b << (8 * i);
        else p1 |= b << (8 * (i - 4));
      }
      const head = Math.min(n, LONG) << 20;
      // Units compared one by one: past the eighth, or all of a span with a
      // unit past U+007F (its slot bytes do not tell it apart).
      const from = ascii ? 8 : 0;
      let slot = h & mask;
      for (let at = slots[4 * slot + 1]; at !== 0; at = slots[4 * slot + 1]) {
        if (
          slots[4 * slot] === h && (at & ~0xfffff) === head &&
          slots[4 * slot + 2] === p0 && slots[4 * slot + 3] === p1
        ) {
          const e = (at & 0xfffff) - 1;
          if (n <= from) return e;
          const w = words[e];
          if (w.length === n) {
            let i = from;
            while (
              i < n &&
              w.charCodeAt(i) === fold(text.charCodeAt(start + i), lowercase)
            ) i++;
            if (i === n) return e;
          }
        }
        slot = (slot + 1) & mask;
      }
      const cut = text.slice(start, end);
      return add(lowercase ? cut.toLowerCase() : cut, h);
    },
    word(word) {
      let h = FNV_OFFSET;
      for (let i = 0; i < word.length; i++) {
        h = Math.imul(h ^ word.charCodeAt(i), FNV_PRIME);
      }
      const mask = (1 << bits) - 1;
      let slot = h & mask;
      for (let at = slots[4 * slot + 1]; at !== 0; at = slots[4 * slot + 1]) {
        const e = (at & 0xfffff) - 1;
        if (slots[4 * slot] === h && words[e] === word) return e;
        slot = (slot + 1) & mask;
      }
      return add(word, h);
    },
  };
};

/** A growable buffer of entry indexes, reused text after text. */
export interface EntryBuffer {
  /** The indexes; replaced by a larger array when full. */
  entries: Int32Array;
}

/**
 * Splits an ASCII `text` as the word tokenizer's ASCII pattern does
 * (`'[A-Za-z]+|[A-Za-z]+|[0-9]+(?:[.,:][0-9]+)*|[^\sA-Za-z0-9]`), writing
 * each token's entry index into `into.entries` (grown when full); returns
 * the token count, or -1 at the first character past U+007F (text for the
 * Unicode pattern: the words before it may have been added to the table,
 * as that pattern would have added them). Allocates nothing for words seen
 * before.
 */
export const scanAscii = (
  text: string,
  table: WordTable,
  lowercase: boolean,
  into: EntryBuffer,
): number => {
  const fold = lowercase ? LOWER : SAME;
  let out = into.entries;
  let count = 0;
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c > 127) return -1;
    const kind = KIND[c];
    if (kind === SPACE) {
      i++;
      continue;
    }
    const start = i;
    let h = Math.imul(FNV_OFFSET ^ fold[c], FNV_PRIME);
    i++;
    let d = 0;
    if (
      kind === LETTER ||
      (c === 39 && i < n && (d = text.charCodeAt(i)) < 128 &&
        KIND[d] === LETTER)
    ) {
      while (i < n) {
        d = text.charCodeAt(i);
        if (d > 127 || KIND[d] !== LETTER) break;
        h = Math.imul(h ^ fold[d], FNV_PRIME);
        i++;
      }
    } else if (kind === DIGIT) {
      for (;;) {
        while (i < n && isDigit(d = text.charCodeAt(i))) {
          h = Math.imul(h ^ d, FNV_PRIME);
          i++;
        }
        const s = text.charCodeAt(i);
        if (
          i + 1 < n && (s === 46 || s === 44 || s === 58) &&
          isDigit(text.charCodeAt(i + 1))
        ) {
          h = Math.imul(h ^ s, FNV_PRIME);
          i++;
        } else break;
      }
    }
    // A letter or digit run that ends at a non-ASCII character may go on
    // under the Unicode pattern ("café", "2²"): that text is not ours.
    if (i < n && text.charCodeAt(i) > 127) return -1;
    if (count === out.length) {
      const grown = new Int32Array(out.length * 2);
      grown.set(out);
      out = into.entries = grown;
    }
    out[count++] = table.span(text, start, i, h >>> 0);
  }
  return count;
};

// Each ASCII code unit's kind (\s within ASCII: tab, line feed, vertical
// tab, form feed, return, space) and its lowercase: one load a character.
const SPACE = 0, LETTER = 1, DIGIT = 2, OTHER = 3;
const KIND = Uint8Array.from(
  { length: 128 },
  (_, c) =>
    c === 32 || (c >= 9 && c <= 13)
      ? SPACE
      : (c >= 97 && c <= 122) || (c >= 65 && c <= 90)
      ? LETTER
      : c >= 48 && c <= 57
      ? DIGIT
      : OTHER,
);
const LOWER = Uint8Array.from(
  { length: 128 },
  (_, c) => (c >= 65 && c <= 90 ? c | 32 : c),
);
const SAME = Uint8Array.from({ length: 128 }, (_, c) => c);

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
