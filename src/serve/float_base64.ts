/**
 * Encodes a vector as OpenAI's `encoding_format: "base64"` does: the
 * little-endian float32 bytes, base64-encoded.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * // 1.0f32 is 0x3f800000, little-endian bytes 00 00 80 3f.
 * assert.equal(floatsToBase64(Float32Array.of(1)), "AACAPw==");
 * ```
 */
export const floatsToBase64 = (v: Float32Array): string => {
  const bytes = new Uint8Array(v.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < v.length; i++) view.setFloat32(i * 4, v[i], true);
  let binary = "";
  // Chunked so a 2048-d vector doesn't overflow the argument limit.
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
};

/** The inverse of {@link floatsToBase64} (clients, tests). */
export const base64ToFloats = (s: string): Float32Array => {
  const binary = atob(s);
  const view = new DataView(new ArrayBuffer(binary.length));
  for (let i = 0; i < binary.length; i++) {
    view.setUint8(i, binary.charCodeAt(i));
  }
  const out = new Float32Array(binary.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
};

/**
 * A vector in base64 at its pipeline's precision: float32 as OpenAI does,
 * or one byte per value for int8/uint8 (quantized) pipelines.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(vectorToBase64(Float32Array.of(-128, 127), "int8"), "gH8=");
 * ```
 */
export const vectorToBase64 = (
  v: Float32Array,
  precision: "float32" | "int8" | "uint8",
): string => {
  if (precision === "float32") return floatsToBase64(v);
  const bytes = precision === "int8" ? new Int8Array(v) : new Uint8Array(v);
  let binary = "";
  const raw = new Uint8Array(bytes.buffer);
  for (let i = 0; i < raw.length; i += 0x8000) {
    binary += String.fromCharCode(...raw.subarray(i, i + 0x8000));
  }
  return btoa(binary);
};
