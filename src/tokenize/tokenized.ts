/**
 * One sentence after tokenization. `ids` are the keys static encoders look
 * vectors up by: vocabulary ids for a pretrained tokenizer, 32-bit FNV-1a
 * hashes of the token text for the vocabulary-free word tokenizer.
 */
export interface Tokenized {
  /** The tokens. */
  readonly tokens: ReadonlyArray<string>;
  /** The token ids. */
  readonly ids: Uint32Array;
  /** 1 where the token is a special token ([CLS], [SEP], <s>, ...). */
  readonly special: Uint8Array;
  /**
   * Optional, per token: a small non-negative integer naming its text within
   * `keySpace` (equal keys in one space, equal tokens and ids), so a caller
   * can keep per-token results in arrays instead of maps keyed by string.
   */
  readonly keys?: Int32Array;
  /** What `keys` index (one tokenizer's word table). */
  readonly keySpace?: object;
  /** Index of a Token Prepending `<PST>` placeholder, when there is one. */
  readonly placeholder?: number;
}

/**
 * A tokenizer's fast path for callers that only need keys: a text's tokens
 * as entries of one table (`Tokenized.keys` of `space`), written into a
 * reused array, with no object made per text.
 */
export interface TokenKeys {
  /** What the keys index (`Tokenized.keySpace`). */
  readonly space: object;
  /** Each key's token. */
  readonly tokens: ReadonlyArray<string>;
  /** Each key's id. */
  readonly ids: ReadonlyArray<number>;
  /**
   * Writes the keys of `text`'s tokens to `keys` from index 0 and returns
   * how many (none of them special: the tokens `tokenize` gives, with their
   * keys), or returns -1 for text it leaves to `tokenize` (for the word
   * tokenizer: text with a character past U+007F, or a word past a full
   * table).
   */
  scan(text: string): number;
  /** The keys the last `scan` wrote: valid until the next one. */
  readonly keys: Int32Array;
}

/** Splits sentences into tokens; pure and synchronous once loaded. */
export interface Tokenizer {
  /** A name for logs and errors. */
  readonly name: string;
  /** Splits a text into tokens. */
  tokenize(text: string): Tokenized;
  /** Keys without tokens, for tokenizers whose tokens carry keys. */
  readonly keys?: TokenKeys;
  /** The id batches are padded with (transformer tokenizers). */
  readonly padId?: number;
  /** The [MASK] token's id, for prompts pooled at the mask. */
  readonly maskId?: number;
}
