import { createHash } from "node:crypto";
import { cacheDir } from "../onnx/cache_dir.ts";

/**
 * Content-addressed memo of evaluation results on disk. The key hashes
 * everything a score depends on — the exact feature bytes, the labels, the
 * protocol and its version — so a rerun on identical vectors is a file read,
 * and any change to a vector, a label or the protocol misses.
 */

/** SHA-256 over typed arrays and strings, hex. */
export const contentHash = (
  ...parts: ReadonlyArray<ArrayBufferView | string>
): string => {
  const h = createHash("sha256");
  for (const p of parts) {
    if (typeof p === "string") h.update(`s${p.length}:${p}`);
    else {
      h.update(`b${p.byteLength}:`);
      h.update(new Uint8Array(p.buffer, p.byteOffset, p.byteLength));
    }
  }
  return h.digest("hex");
};

/**
 * Returns the stored result for `key` or computes, stores and returns it. A
 * result that cannot be stored (read-only folder) is still returned.
 */
export const memoResult = async <T>(
  folder: string,
  key: string,
  compute: () => Promise<T>,
): Promise<{ value: T; cached: boolean }> => {
  const dir = `${cacheDir()}/${folder}`;
  const path = `${dir}/${key}.json`;
  try {
    return {
      value: JSON.parse(await Deno.readTextFile(path)) as T,
      cached: true,
    };
  } catch {
    // Missing or unreadable: compute.
  }
  const value = await compute();
  try {
    await Deno.mkdir(dir, { recursive: true });
    const tmp = `${path}.${crypto.randomUUID()}.tmp`;
    await Deno.writeTextFile(tmp, JSON.stringify(value));
    await Deno.rename(tmp, path);
  } catch {
    // A cache is an optimisation: failing to write it is not an error.
  }
  return { value, cached: false };
};
