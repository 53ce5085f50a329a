import { readFileSync } from "node:fs";
import { dirname } from "node:path";
import { DataType, int64, type TensorProto } from "../proto.ts";

/** Whether an initializer keeps its values in an external-data file. */
export const isExternal = (t: TensorProto): boolean =>
  t.dataLocation === 1 || (t.externalData ?? []).length > 0;

// External-data files read so far, by path: a file holds many tensors.
const files = new Map<string, Uint8Array>();

/**
 * An external initializer's bytes, read from its file beside `source` at
 * its offset and length (each file read once per call chain; the cache is
 * dropped by {@link forgetExternalFiles}).
 */
export const externalBytes = (
  t: TensorProto,
  source: string,
): Uint8Array | undefined => {
  const ext = t.externalData ?? [];
  const entry = (key: string) => ext.find((e) => e.key === key)?.value;
  const location = entry("location");
  if (!location) return undefined;
  const path = `${dirname(source)}/${location}`;
  let file = files.get(path);
  if (file === undefined) {
    file = readFileSync(path);
    files.set(path, file);
  }
  const offset = Number(entry("offset") ?? 0);
  const length = entry("length");
  return file.subarray(
    offset,
    length === undefined ? file.byteLength : offset + Number(length),
  );
};

/** Drops the external-data files {@link externalBytes} holds. */
export const forgetExternalFiles = (): void => files.clear();

/**
 * A float initializer's values, wherever the file keeps them: `raw_data`,
 * `float_data`, or an external-data file beside `source` (read at its
 * offset and length). Undefined for any other element type.
 */
export const floatWeights = (
  t: TensorProto,
  source: string,
): Float32Array | undefined => {
  if (t.dataType !== DataType.FLOAT) return undefined;
  const count = (t.dims ?? []).reduce((n: number, d) => n * int64(d), 1);
  let bytes: Uint8Array | undefined;
  if (isExternal(t)) {
    bytes = externalBytes(t, source);
  } else if (t.rawData && t.rawData.length > 0) {
    bytes = t.rawData;
  } else if (t.floatData && t.floatData.length === count) {
    return Float32Array.from(t.floatData);
  }
  if (bytes === undefined || bytes.byteLength !== count * 4) return undefined;
  // A copy: raw bytes need not sit at a 4-byte offset.
  return new Float32Array(
    bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
  );
};
