import { BOS_ID, EOS_ID } from "./special_ids.ts";
import type { Llama2cVocab } from "./vocab.ts";

const SPACE = 0x20;

/**
 * llama2.c's `decode(prev, token)`: the piece's bytes, without its leading
 * space right after BOS, and the raw byte for a `<0xXX>` piece.
 */
export const decodePiece = (
  vocab: Llama2cVocab,
  prev: number,
  token: number,
): Uint8Array => {
  const byte = vocab.byteOf[token];
  if (byte >= 0) return Uint8Array.of(byte);
  const piece = vocab.pieces[token];
  return prev === BOS_ID && piece[0] === SPACE ? piece.subarray(1) : piece;
};

/**
 * Text of a token sequence: the pieces joined as llama2.c prints them, with
 * BOS and EOS left out (they are control tokens, as in SentencePiece), and
 * the bytes read as UTF-8 (invalid sequences become U+FFFD). Unlike run.c's
 * `safe_printf`, control bytes are kept: filtering them is a terminal concern.
 *
 * @example
 * ```ts ignore
 * decode(vocab, [1, 403, 407, 261, 378]); // "Once upon a time"
 * ```
 */
export const decode = (
  vocab: Llama2cVocab,
  ids: ArrayLike<number>,
): string => {
  const parts: Uint8Array[] = [];
  let size = 0;
  for (let i = 0; i < ids.length; i++) {
    if (ids[i] === BOS_ID || ids[i] === EOS_ID) continue;
    const piece = decodePiece(vocab, i > 0 ? ids[i - 1] : -1, ids[i]);
    parts.push(piece);
    size += piece.length;
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  return new TextDecoder().decode(all);
};
