import type { Cause } from "effect";
import { Effect, Schema } from "effect";
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

/** The schema-backed base class of {@link CacheNotWritable}. */
export const CacheNotWritableBase: Schema.Class<
  CacheNotWritable,
  Schema.TaggedStruct<
    "CacheNotWritable",
    { readonly path: Schema.String; readonly reason: Schema.String }
  >,
  Cause.YieldableError
> = Schema.TaggedError<CacheNotWritable>()("CacheNotWritable", {
  path: Schema.String,
  reason: Schema.String,
});

/**
 * A derived model file (a rewritten graph, an export) could not be written
 * to the cache: on a read-only host such as an edge runtime, the cache must
 * be filled where it is writable and shipped with the deployment.
 */
export class CacheNotWritable extends CacheNotWritableBase {
  /** The message, built from the fields. */
  override get message(): string {
    return `cannot write ${this.path} (${this.reason}); on a read-only host, load the pipeline once where SENTEMB_CACHE is writable and ship that cache`;
  }
}

/** Writes into the cache, failing with {@link CacheNotWritable}. */
export const writeCache = (
  path: string,
  write: () => Promise<void>,
): Effect.Effect<void, CacheNotWritable> =>
  Effect.tryPromise({
    try: write,
    catch: (e) =>
      new CacheNotWritable({
        path,
        reason: e instanceof Error ? e.name : String(e),
      }),
  });

/** A cache shortcut (a stat pointer): written if it can be; a miss only costs a re-hash. */
export const writeCacheHint = (
  write: () => Promise<void>,
): Effect.Effect<void> => Effect.promise(() => write().catch(() => undefined));
