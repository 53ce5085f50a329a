import type { Tokenized, Tokenizer } from "../tokenize/tokenized.ts";
import { decode } from "./decode.ts";
import { encode } from "./encode.ts";
import { FIRST_BYTE_ID } from "./special_ids.ts";
import type { Llama2cVocab } from "./vocab.ts";

/** sentemb's `Tokenizer` over a llama2.c vocabulary, plus decoding. */
export interface Llama2cTokenizer extends Tokenizer {
  readonly vocab: Llama2cVocab;
  /** Ids as llama2.c's `encode` gives them. */
  encode(
    text: string,
    options?: { readonly bos: boolean; readonly eos: boolean },
  ): Int32Array;
  decode(ids: ArrayLike<number>): string;
}

const pieceText = new TextDecoder();

/**
 * Wraps a vocabulary. `tokenize` prepends BOS (as Llama tokenizers do for a
 * decoder's input) and marks ids 0…2 (`<unk>`, BOS, EOS) as special; token
 * strings are the pieces' text (a byte-fallback token keeps its `<0xXX>` name).
 *
 * @example
 * ```ts ignore
 * llama2cTokenizer(vocab, "stories260K").tokenize("Once upon a time").ids;
 * // Uint32Array [1, 403, 407, 261, 378]
 * ```
 */
export const llama2cTokenizer = (
  vocab: Llama2cVocab,
  name: string,
): Llama2cTokenizer => {
  const tokens = vocab.pieces.map((p) => pieceText.decode(p));
  return {
    name,
    vocab,
    encode: (text, options = { bos: true, eos: false }) =>
      encode(vocab, text, options),
    decode: (ids) => decode(vocab, ids),
    tokenize(text: string): Tokenized {
      const ids = encode(vocab, text, { bos: true, eos: false });
      const special = new Uint8Array(ids.length);
      for (let i = 0; i < ids.length; i++) {
        special[i] = ids[i] < FIRST_BYTE_ID ? 1 : 0;
      }
      return {
        tokens: Array.from(ids, (id) => tokens[id]),
        ids: Uint32Array.from(ids),
        special,
      };
    },
  };
};
