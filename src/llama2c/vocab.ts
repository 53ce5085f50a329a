import { Effect } from "effect";
import { Llama2cFormatError } from "./errors.ts";
import { FIRST_BYTE_ID } from "./special_ids.ts";

/** A llama2.c tokenizer file (`tokenizer.bin`, `tok512.bin`) in memory. */
export interface Llama2cVocab {
  /** Piece bytes per id (SentencePiece's ▁ already replaced by a space). */
  readonly pieces: ReadonlyArray<Uint8Array>;
  /** Merge priority per id: the higher, the earlier a pair merges. */
  readonly scores: Float32Array;
  readonly maxTokenLength: number;
  /** Per id, the piece bytes as a Latin-1 string (byte-exact keys). */
  readonly keys: ReadonlyArray<string>;
  /** Piece → id, keyed by the piece bytes as a Latin-1 string (byte-exact lookups). */
  readonly index: ReadonlyMap<string, number>;
  /** Per id, the raw byte a `<0xXX>` piece stands for, else −1. */
  readonly byteOf: Int16Array;
}

/** The bytes of `b` as a string of code points 0…255, for byte-exact map keys. */
export const byteKey = (b: Uint8Array): string => {
  let s = "";
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]);
  return s;
};

const BYTE_PIECE = /^<0x([0-9A-Fa-f]{2})>$/;

/**
 * Reads the llama2.c tokenizer format: int32 max_token_length, then per
 * piece float32 score, int32 length, the bytes. With `vocabSize` (the
 * checkpoint's) exactly that many pieces must be present and nothing after.
 * The file must carry the byte-fallback pieces at 3…258 and a single-space
 * piece, which llama2.c's encoder assumes without checking.
 */
export const parseVocab = (
  bytes: Uint8Array,
  file: string,
  vocabSize?: number,
): Effect.Effect<Llama2cVocab, Llama2cFormatError> => {
  const fail = (reason: string) =>
    Effect.fail(new Llama2cFormatError({ file, reason }));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < 4) return fail("truncated: no max_token_length");
  const maxTokenLength = view.getInt32(0, true);
  if (maxTokenLength <= 0) {
    return fail(`max_token_length ${maxTokenLength} is not positive`);
  }
  const pieces: Uint8Array[] = [];
  const scores: number[] = [];
  let at = 4;
  while (
    at < bytes.byteLength &&
    (vocabSize === undefined || pieces.length < vocabSize)
  ) {
    if (at + 8 > bytes.byteLength) {
      return fail(`truncated inside piece ${pieces.length}`);
    }
    const score = view.getFloat32(at, true);
    const len = view.getInt32(at + 4, true);
    at += 8;
    if (len < 0 || len > maxTokenLength || at + len > bytes.byteLength) {
      return fail(
        `piece ${pieces.length} has length ${len} (max_token_length ${maxTokenLength}, ${
          bytes.byteLength - at
        } bytes left)`,
      );
    }
    pieces.push(bytes.slice(at, at + len));
    scores.push(score);
    at += len;
  }
  if (vocabSize !== undefined && pieces.length < vocabSize) {
    return fail(
      `truncated: ${pieces.length} pieces, the model expects ${vocabSize}`,
    );
  }
  if (at !== bytes.byteLength) {
    return fail(
      `${bytes.byteLength - at} trailing bytes after ${pieces.length} pieces`,
    );
  }
  const keys = pieces.map(byteKey);
  const index = new Map<string, number>();
  // llama2.c finds pieces by bsearch over a sorted copy, so with duplicates
  // the id it returns is unspecified; keep the first.
  keys.forEach((key, id) => {
    if (!index.has(key)) index.set(key, id);
  });
  const byteOf = new Int16Array(pieces.length).fill(-1);
  keys.forEach((key, id) => {
    const m = BYTE_PIECE.exec(key);
    if (m) byteOf[id] = parseInt(m[1], 16);
  });
  for (let b = 0; b < 256; b++) {
    if (byteOf[FIRST_BYTE_ID + b] !== b) {
      return fail(
        `piece ${FIRST_BYTE_ID + b} is not the byte-fallback piece for 0x${
          b.toString(16).padStart(2, "0")
        }`,
      );
    }
  }
  if (!index.has(" ")) {
    return fail("no single-space piece for the dummy prefix");
  }
  return Effect.succeed({
    pieces,
    scores: Float32Array.from(scores),
    maxTokenLength,
    keys,
    index,
    byteOf,
  });
};
