import type { Dtype } from "./writer.ts";

/**
 * The header of a NumPy .npy v1.0 file: the magic "\x93NUMPY", version 1.0,
 * a little-endian uint16 header length, then a Python dict literal padded
 * with spaces and ended by "\n". This one is always 128 bytes, so a header
 * with a placeholder row count can be patched in place once the count is
 * known.
 */

/** Bytes of every header written here (a multiple of 64, as NumPy aligns). */
export const NPY_HEADER_BYTES = 128;

/** NumPy's type string for each dtype. */
export const NPY_DESCR: Readonly<Record<Dtype, string>> = {
  float32: "<f4",
  int8: "|i1",
  uint8: "|u1",
};

/**
 * A 128-byte .npy v1.0 header for a C-order array of `shape`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { npyHeader } from "./npy_header.ts";
 *
 * const h = npyHeader("float32", [3, 4]);
 * assert.equal(h.length, 128);
 * const text = new TextDecoder().decode(h.subarray(10));
 * assert.ok(text.startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }"));
 * assert.ok(text.endsWith(" \n"));
 * ```
 */
export const npyHeader = (
  dtype: Dtype,
  shape: readonly [number, number],
): Uint8Array => {
  const dict = `{'descr': '${NPY_DESCR[dtype]}', 'fortran_order': False, ` +
    `'shape': (${shape[0]}, ${shape[1]}), }`;
  const room = NPY_HEADER_BYTES - 10 - 1;
  if (dict.length > room) {
    throw new RangeError(`shape (${shape.join(", ")}) is too large for .npy`);
  }
  const out = new Uint8Array(NPY_HEADER_BYTES);
  out.set([0x93, ...new TextEncoder().encode("NUMPY"), 1, 0]);
  new DataView(out.buffer).setUint16(8, NPY_HEADER_BYTES - 10, true);
  out.set(new TextEncoder().encode(dict.padEnd(room, " ") + "\n"), 10);
  return out;
};
