import { fileURLToPath } from "node:url";

/**
 * Root of sentemb's on-disk caches: `SENTEMB_CACHE`, else the project's
 * gitignored `.cache/`.
 */
export const cacheDir = (): string =>
  Deno.env.get("SENTEMB_CACHE") ??
    fileURLToPath(new URL("../../.cache", import.meta.url));

/** Lower-case hex SHA-256 of bytes. */
export const sha256Hex = async (
  bytes: Uint8Array | string,
): Promise<string> => {
  const data = typeof bytes === "string"
    ? new TextEncoder().encode(bytes)
    : bytes;
  const digest = await crypto.subtle.digest(
    "SHA-256",
    data as Uint8Array<ArrayBuffer>,
  );
  return Array.from(
    new Uint8Array(digest),
    (b) => b.toString(16).padStart(2, "0"),
  ).join("");
};

/** Writes a file through a temporary name, so readers never see half a file. */
export const writeAtomic = async (
  path: string,
  bytes: Uint8Array,
): Promise<void> => {
  const tmp = `${path}.${crypto.randomUUID()}.tmp`;
  await Deno.writeFile(tmp, bytes);
  await Deno.rename(tmp, path);
};
