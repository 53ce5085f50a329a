/** Shared helpers of the io tests. */

const root = new URL("../../", import.meta.url).pathname;

/**
 * A fresh folder under the project's `.cache` (the one place the test task
 * may write), removed by the returned function.
 */
export const tempDir = async (): Promise<
  { dir: string; [Symbol.asyncDispose]: () => Promise<void> }
> => {
  await Deno.mkdir(`${root}.cache`, { recursive: true });
  const dir = await Deno.makeTempDir({ dir: `${root}.cache`, prefix: "io-" });
  return {
    dir,
    [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }),
  };
};

/** `parts` as a byte stream, one chunk each (strings are UTF-8 encoded). */
export const streamOf = (
  ...parts: Array<string | Uint8Array | number[]>
): ReadableStream<Uint8Array> =>
  ReadableStream.from(
    parts.map((p) =>
      typeof p === "string"
        ? new TextEncoder().encode(p)
        : p instanceof Uint8Array
        ? p
        : Uint8Array.from(p)
    ),
  );

/** `bytes` cut into chunks of `size` bytes, to test chunk boundaries. */
export const chunked = (
  bytes: Uint8Array | string,
  size: number,
): ReadableStream<Uint8Array> => {
  const all = typeof bytes === "string"
    ? new TextEncoder().encode(bytes)
    : bytes;
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < all.length; i += size) {
    chunks.push(all.slice(i, i + size));
  }
  return ReadableStream.from(chunks);
};

/** The project root, for subprocesses. */
export const projectRoot = root;
