import {
  BOS_ID,
  EOS_ID,
  FIRST_BYTE_ID,
} from "../../src/llama2c/special_ids.ts";
import { byteKey, type Llama2cVocab } from "../../src/llama2c/vocab.ts";

const utf8 = new TextEncoder();

/**
 * The former `encode` of src/llama2c/encode.ts, kept as the reference the
 * heap-based one must match id for id: llama2.c's loop, quadratic (every
 * merge rescans all pairs for the strictly best score, so the leftmost wins
 * ties). One change from the original: it no longer stops at the first NUL
 * (that C-string truncation was a bug, fixed in both).
 */
export const encodeReference = (
  vocab: Llama2cVocab,
  text: string,
  options: { readonly bos: boolean; readonly eos: boolean },
): Int32Array => {
  const bytes = utf8.encode(text);
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
