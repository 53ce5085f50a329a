/**
 * 32-bit FNV-1a over the UTF-16 code units of `text`. Written by hand rather
 * than taken from a package: it is eight lines, and its exact output is part
 * of every hashed-word pipeline's identity, so it must never change with a
 * dependency upgrade.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fnv1a } from "./fnv1a.ts";
 * assert.equal(fnv1a(""), 0x811c9dc5);
 * assert.equal(fnv1a("a"), 0xe40c292c);
 * ```
 */
export const fnv1a = (text: string): number => {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
};
