/**
 * Reads float32 tensors from a `.safetensors` file: an 8-byte little-endian
 * header length, a JSON header `{name: {dtype, shape, data_offsets}}`, then
 * the raw bytes. Hand-written: the format is that small, and the npm readers
 * pull in Node buffers or whole ML runtimes.
 */
export interface Tensor {
  readonly shape: ReadonlyArray<number>;
  readonly data: Float32Array;
}

export const readSafetensors = (bytes: Uint8Array): Map<string, Tensor> => {
  if (bytes.length < 8) {
    throw new RangeError("file too short for a safetensors header");
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (8 + headerLength > bytes.length) {
    throw new RangeError("safetensors header runs past the file");
  }
  const header = JSON.parse(
    new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)),
  ) as Record<
    string,
    { dtype: string; shape: number[]; data_offsets: [number, number] }
  >;
  const base = 8 + headerLength;
  const out = new Map<string, Tensor>();
  for (const [name, t] of Object.entries(header)) {
    if (name === "__metadata__") continue;
    if (t.dtype !== "F32") {
      throw new RangeError(`tensor ${name} is ${t.dtype}, only F32 is read`);
    }
    const [start, end] = t.data_offsets;
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (end - start !== count * 4 || base + end > bytes.length) {
      throw new RangeError(`tensor ${name} has inconsistent offsets`);
    }
    out.set(name, {
      shape: t.shape,
      data: new Float32Array(bytes.slice(base + start, base + end).buffer),
    });
  }
  return out;
};

/** Writes float32 tensors in safetensors format (tests, fixtures). */
export const writeSafetensors = (
  tensors: Record<string, Tensor>,
): Uint8Array => {
  let offset = 0;
  const header: Record<string, unknown> = {};
  for (const [name, t] of Object.entries(tensors)) {
    header[name] = {
      dtype: "F32",
      shape: t.shape,
      data_offsets: [offset, offset + t.data.byteLength],
    };
    offset += t.data.byteLength;
  }
  let json = JSON.stringify(header);
  while ((8 + json.length) % 8 !== 0) json += " ";
  const jsonBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + jsonBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(jsonBytes.length), true);
  out.set(jsonBytes, 8);
  let at = 8 + jsonBytes.length;
  for (const t of Object.values(tensors)) {
    out.set(
      new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength),
      at,
    );
    at += t.data.byteLength;
  }
  return out;
};
