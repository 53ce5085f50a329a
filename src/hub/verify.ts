import { Effect } from "effect";
import { createHash } from "node:crypto";
import { fsTry, removeFile } from "./cache.ts";
import { type HubCacheError, HubCorruptDownload } from "./errors.ts";

/** A checksum the hub's ETags stand for. */
export type Checksum = "sha256" | "git-sha1";

/** What a downloaded blob must match. */
export interface Expected {
  readonly repo: string;
  readonly path: string;
  /** The normalized ETag: sha256 (64 hex) for LFS, git blob sha1 (40 hex) otherwise. */
  readonly etag: string;
  /** Which checksum the ETag is; none checked when undefined. */
  readonly checksum: Checksum | undefined;
  readonly size: number | undefined;
}

/**
 * The checksum an ETag stands for: 64 hex digits are the sha256 of an LFS
 * file, 40 the git blob sha1 (`sha1("blob {size}\0" + bytes)`) of a file kept
 * in git; anything else cannot be checked.
 */
export const etagCheck = (etag: string): Checksum | undefined =>
  /^[0-9a-f]{64}$/.test(etag)
    ? "sha256"
    : /^[0-9a-f]{40}$/.test(etag)
    ? "git-sha1"
    : undefined;

/**
 * Hex digest of a file, read as a stream.
 *
 * @example
 * ```ts ignore
 * await fileDigest("blob", "sha256"); // "e3b0c442…"
 * ```
 */
export const fileDigest = async (
  path: string,
  check: Checksum,
): Promise<string> => {
  const file = await Deno.open(path);
  const hash = createHash(check === "sha256" ? "sha256" : "sha1");
  if (check === "git-sha1") hash.update(`blob ${(await file.stat()).size}\0`);
  for await (const chunk of file.readable) hash.update(chunk);
  return hash.digest("hex");
};

/**
 * Checks a complete download against the announced size and checksum; on a
 * mismatch deletes it and fails with {@link HubCorruptDownload}.
 */
export const verifyDownload = (
  file: string,
  expected: Expected,
): Effect.Effect<void, HubCorruptDownload | HubCacheError> =>
  Effect.gen(function* () {
    const fail = (
      check: HubCorruptDownload["check"],
      want: string,
      got: string,
    ) =>
      removeFile(file).pipe(
        Effect.andThen(
          new HubCorruptDownload({
            repo: expected.repo,
            path: expected.path,
            check,
            expected: want,
            actual: got,
            discarded: file,
          }),
        ),
      );
    const size = (yield* fsTry(file, () => Deno.stat(file))).size;
    if (expected.size !== undefined && size !== expected.size) {
      return yield* fail("size", `${expected.size} bytes`, `${size} bytes`);
    }
    const check = expected.checksum;
    if (check === undefined) return;
    const digest = yield* fsTry(file, () => fileDigest(file, check));
    if (digest !== expected.etag) yield* fail(check, expected.etag, digest);
  });
