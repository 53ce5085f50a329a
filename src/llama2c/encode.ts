import { BOS_ID, EOS_ID, FIRST_BYTE_ID } from "./special_ids.ts";
import { byteKey, type Llama2cVocab } from "./vocab.ts";

const utf8 = new TextEncoder();

/**
 * llama2.c's `encode`: optional BOS, a dummy-prefix space piece when the text
 * is non-empty, one piece per UTF-8 code point (its bytes as `<0xXX>` pieces
 * when the code point is not a piece), then repeatedly merge the adjacent
 * pair whose concatenation is the highest-scoring piece (leftmost on ties),
 * optional EOS. Hand-written: no npm package implements this exact variant
 * (SentencePiece ports differ in normalisation and merge order).
 *
 * @example
 * ```ts ignore
 * encode(vocab, "Once upon a time", { bos: true, eos: false }); // [1, 403, 407, 261, 378]
 * ```
 */
export const encode = (
  vocab: Llama2cVocab,
  text: string,
  options: { readonly bos: boolean; readonly eos: boolean },
): Int32Array => {
  let bytes = utf8.encode(text);
  // C strings end at the first NUL.
  const nul = bytes.indexOf(0);
  if (nul >= 0) bytes = bytes.subarray(0, nul);
  const tokens: number[] = [];
  if (options.bos) tokens.push(BOS_ID);
  if (bytes.length > 0) tokens.push(vocab.index.get(" ")!);
  const isContinuation = (b: number | undefined) =>
    b !== undefined && (b & 0xc0) === 0x80;
  let start = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (!isContinuation(bytes[i])) start = i;
    // A code point ends before a non-continuation byte, or after 4 bytes.
    if (isContinuation(bytes[i + 1]) && i - start + 1 < 4) continue;
    const point = bytes.subarray(start, i + 1);
    const id = vocab.index.get(byteKey(point));
    if (id !== undefined) tokens.push(id);
    else for (const b of point) tokens.push(b + FIRST_BYTE_ID);
    start = i + 1;
  }
  mergePairs(vocab, tokens);
  if (options.eos) tokens.push(EOS_ID);
  return Int32Array.from(tokens);
};

const mergePairs = (vocab: Llama2cVocab, tokens: number[]): void => {
  const keys = vocab.keys;
  for (;;) {
    let bestScore = -1e10;
    let bestId = -1;
    let bestAt = -1;
    for (let i = 0; i + 1 < tokens.length; i++) {
      const id = vocab.index.get(keys[tokens[i]] + keys[tokens[i + 1]]);
      if (id !== undefined && vocab.scores[id] > bestScore) {
        bestScore = vocab.scores[id];
        bestId = id;
        bestAt = i;
      }
    }
    if (bestAt < 0) return;
    tokens.splice(bestAt, 2, bestId);
  }
};
