/**
 * Strict UTF-8 decoding of one line. A line can be decoded on its own because
 * the splitter cuts only at "\n" (or at a character boundary), so an invalid
 * sequence is always the input's fault, never a chunk boundary's.
 */

const strict = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * The text of `bytes`, or `undefined` when they are not valid UTF-8.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeUtf8 } from "./decode.ts";
 *
 * assert.equal(decodeUtf8(new Uint8Array([0x63, 0x61, 0x66, 0xc3, 0xa9])), "café");
 * assert.equal(decodeUtf8(new Uint8Array([0x63, 0xc3])), undefined);
 * ```
 */
export const decodeUtf8 = (bytes: Uint8Array): string | undefined => {
  try {
    return strict.decode(bytes);
  } catch {
    return undefined;
  }
};
