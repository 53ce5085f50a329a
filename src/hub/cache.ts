import { Effect } from "effect";
import { dirname, relative } from "node:path";
import { HubCacheError } from "./errors.ts";
import { isCommitHash, type ModelRef } from "./ref.ts";

/**
 * The Hugging Face cache layout, shared with huggingface_hub and
 * transformers: per repo `models--{org}--{name}/` holds `blobs/{etag}`,
 * `snapshots/{commit}/{path}` (relative symlinks into `blobs/`) and
 * `refs/{revision}` (the commit a branch or tag last pointed to); lock files
 * live under `.locks/models--{org}--{name}/`.
 */

/** `models--{org}--{name}`, the folder name of a model repo. */
export const repoFolderName = (repo: string): string =>
  `models--${repo.replaceAll("/", "--")}`;

/** The paths of one repo in a cache folder. */
export const repoPaths = (cacheDir: string, repo: string) => {
  const root = `${cacheDir}/${repoFolderName(repo)}`;
  return {
    root,
    blob: (etag: string) => `${root}/blobs/${etag}`,
    snapshot: (commit: string, path: string) =>
      `${root}/snapshots/${commit}/${path}`,
    snapshotDir: (commit: string) => `${root}/snapshots/${commit}`,
    ref: (revision: string) => `${root}/refs/${revision}`,
    lock: (etag: string) =>
      `${cacheDir}/.locks/${repoFolderName(repo)}/${etag}.lock`,
  };
};

/** The paths of one repo, as {@link repoPaths} gives them. */
export type RepoPaths = ReturnType<typeof repoPaths>;

/** Runs a file-system promise; its failure becomes a {@link HubCacheError}. */
export const fsTry = <A>(
  path: string,
  run: () => Promise<A>,
): Effect.Effect<A, HubCacheError> =>
  Effect.tryPromise({
    try: run,
    catch: (e) => new HubCacheError({ path, reason: String(e) }),
  });

/** Whether a path exists (following symlinks: a dangling link is absent). */
export const exists = (path: string): Effect.Effect<boolean, HubCacheError> =>
  fsTry(path, () =>
    Deno.stat(path).then(
      () => true,
      (e) => e instanceof Deno.errors.NotFound ? false : Promise.reject(e),
    ));

/** The size of a file, or undefined when there is none. */
export const fileSize = (
  path: string,
): Effect.Effect<number | undefined, HubCacheError> =>
  fsTry(path, () =>
    Deno.stat(path).then(
      (s) => s.size,
      (e) => e instanceof Deno.errors.NotFound ? undefined : Promise.reject(e),
    ));

/** Deletes a file if it is there. */
export const removeFile = (path: string): Effect.Effect<void, HubCacheError> =>
  fsTry(
    path,
    () =>
      Deno.remove(path).catch((e) =>
        e instanceof Deno.errors.NotFound ? undefined : Promise.reject(e)
      ),
  );

// Writes through a unique temporary name then renames, so readers and
// concurrent writers only ever see a whole file or link.
const atomically = (path: string, write: (tmp: string) => Promise<void>) =>
  fsTry(path, async () => {
    await Deno.mkdir(dirname(path), { recursive: true });
    const tmp = `${path}.${crypto.randomUUID()}.tmp`;
    try {
      await write(tmp);
      await Deno.rename(tmp, path);
    } catch (e) {
      await Deno.remove(tmp).catch(() => {});
      throw e;
    }
  });

/** The commit a revision names: itself if a commit hash, else `refs/{revision}`. */
export const readRef = (
  paths: RepoPaths,
  revision: string,
): Effect.Effect<string | undefined, HubCacheError> =>
  isCommitHash(revision) ? Effect.succeed(revision) : fsTry(
    paths.ref(revision),
    () =>
      Deno.readTextFile(paths.ref(revision)).then(
        (text) => text.trim() || undefined,
        (e) =>
          e instanceof Deno.errors.NotFound ? undefined : Promise.reject(e),
      ),
  );

/** Records that `revision` points to `commit` (nothing to do for a commit). */
export const writeRef = (
  paths: RepoPaths,
  revision: string,
  commit: string,
): Effect.Effect<void, HubCacheError> =>
  revision === commit
    ? Effect.void
    : atomically(paths.ref(revision), (tmp) => Deno.writeTextFile(tmp, commit));

/**
 * The snapshot path of a file the cache already holds for `ref`, or
 * undefined; no network.
 */
export const cachedFile = (
  paths: RepoPaths,
  ref: ModelRef,
  path: string,
): Effect.Effect<string | undefined, HubCacheError> =>
  Effect.gen(function* () {
    const commit = yield* readRef(paths, ref.revision);
    if (commit === undefined) return undefined;
    const pointer = paths.snapshot(commit, path);
    return (yield* exists(pointer)) ? pointer : undefined;
  });

// Deno allows a symlink only under unscoped --allow-read and --allow-write.
const symlinkRefused = (e: unknown) =>
  e instanceof Deno.errors.NotCapable ||
  e instanceof Deno.errors.PermissionDenied;

/**
 * Points `snapshots/{commit}/{path}` at `blobs/{etag}` with a relative
 * symlink, as huggingface_hub does, replacing any older link. Where Deno may
 * not make symlinks (path-scoped `--allow-write`), a hard link to the blob
 * instead (a copy, failing that): the same bytes at the same path, as
 * huggingface_hub itself falls back to where symlinks are unsupported.
 */
export const linkSnapshot = (
  paths: RepoPaths,
  commit: string,
  path: string,
  etag: string,
): Effect.Effect<string, HubCacheError> => {
  const pointer = paths.snapshot(commit, path);
  const blob = paths.blob(etag);
  const target = relative(dirname(pointer), blob);
  return atomically(
    pointer,
    (tmp) =>
      Deno.symlink(target, tmp).catch((e) =>
        symlinkRefused(e)
          ? Deno.link(blob, tmp).catch(() => Deno.copyFile(blob, tmp))
          : Promise.reject(e)
      ),
  ).pipe(Effect.as(pointer));
};

/** Every file path under a snapshot folder, sorted; empty when there is none. */
export const snapshotFiles = (
  dir: string,
): Effect.Effect<ReadonlyArray<string>, HubCacheError> =>
  fsTry(dir, async () => {
    const found: string[] = [];
    const walk = async (sub: string): Promise<void> => {
      for await (const entry of Deno.readDir(`${dir}/${sub}`)) {
        const path = sub === "" ? entry.name : `${sub}/${entry.name}`;
        if (entry.isDirectory) await walk(path);
        else found.push(path);
      }
    };
    await walk("").catch((e) =>
      e instanceof Deno.errors.NotFound ? undefined : Promise.reject(e)
    );
    return found.sort();
  });
