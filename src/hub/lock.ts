import { Effect } from "effect";
import { dirname } from "node:path";
import { fsTry } from "./cache.ts";
import type { HubCacheError } from "./errors.ts";

/**
 * Runs `use` while holding an exclusive `flock` on `path` (created if
 * missing), waiting for any other holder first, in this process or another.
 * This is the lock huggingface_hub's `FileLock` takes on the same
 * `.locks/.../{etag}.lock` file, so a Python download and ours exclude each
 * other too. The kernel drops the lock when its holder dies, so no lock is
 * ever stale; the file stays, as deleting a lock file others may hold open
 * would let two holders in.
 */
export const withFileLock = <A, E, R>(
  path: string,
  use: Effect.Effect<A, E, R>,
): Effect.Effect<A, E | HubCacheError, R> =>
  Effect.acquireUseRelease(
    fsTry(path, async () => {
      await Deno.mkdir(dirname(path), { recursive: true });
      const file = await Deno.open(path, { create: true, write: true });
      try {
        await file.lock(true);
      } catch (e) {
        file.close();
        throw e;
      }
      return file;
    }),
    () => use,
    (file) =>
      Effect.promise(async () => {
        await file.unlock().catch(() => {});
        file.close();
      }),
  );
