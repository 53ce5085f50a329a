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
  /** Index of a Token Prepending `<PST>` placeholder, when there is one. */
  readonly placeholder?: number;
}

/** Splits sentences into tokens; pure and synchronous once loaded. */
export interface Tokenizer {
  /** A name for logs and errors. */
  readonly name: string;
  /** Splits a text into tokens. */
  tokenize(text: string): Tokenized;
  /** The id batches are padded with (transformer tokenizers). */
  readonly padId?: number;
  /** The [MASK] token's id, for prompts pooled at the mask. */
  readonly maskId?: number;
}
