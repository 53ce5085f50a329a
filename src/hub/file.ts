import { Effect } from "effect";
import { dirname, resolve } from "node:path";
import {
  cachedFile,
  exists,
  fsTry,
  linkSnapshot,
  repoPaths,
  writeRef,
} from "./cache.ts";
import { HubClient } from "./client.ts";
import { type HubError, HubOffline } from "./errors.ts";
import { fetchMetadata } from "./metadata.ts";
import { checkRepoPath, type ModelRef, toModelRef } from "./ref.ts";
import { withFileLock } from "./lock.ts";
import { transfer } from "./transfer.ts";
import { verifyDownload } from "./verify.ts";

/** How {@link hubFile} treats the cache. */
export interface HubFileOptions {
  /**
   * Ask the hub where a branch or tag points now, even when the cache holds
   * the file for the commit it pointed to last (default false: a cached
   * file is served with no request). Falls back to the cache when the hub
   * cannot be reached.
   */
  readonly revalidate?: boolean;
  /** Further attempts after a broken connection, each resuming (default 2). */
  readonly retries?: number;
}

/**
 * The local path of `path` in model `ref` (`org/name` or `org/name@rev`):
 * `snapshots/{commit}/{path}` in the Hugging Face cache, a relative symlink
 * into `blobs/`. Served from the cache when it holds the file; otherwise
 * downloaded as `hf_hub_download` does: a HEAD for the commit, ETag and
 * size, then a resumable GET into `blobs/{etag}.incomplete` under a lock,
 * checked against the size and checksum, renamed into place.
 *
 * @example
 * ```ts ignore
 * const onnx = await Effect.runPromise(
 *   hubFile("BAAI/bge-small-en-v1.5", "onnx/model.onnx").pipe(
 *     Effect.provide(HubClientFromEnv),
 *   ),
 * );
 * ```
 */
export const hubFile = (
  ref: string | ModelRef,
  path: string,
  options: HubFileOptions = {},
): Effect.Effect<string, HubError, HubClient> =>
  Effect.gen(function* () {
    const config = yield* HubClient;
    const model = yield* toModelRef(ref);
    yield* checkRepoPath(path);
    const cacheDir = resolve(config.cacheDir);
    const paths = repoPaths(cacheDir, model.repo);
    const cached = yield* cachedFile(paths, model, path);
    if (cached !== undefined && (!options.revalidate || config.offline)) {
      return cached;
    }
    if (config.offline) {
      return yield* new HubOffline({ ...model, path, cacheDir });
    }
    const metadata = yield* fetchMetadata(config, model, path).pipe(
      Effect.catchTag(
        "HubNetworkError",
        (e) => cached === undefined ? Effect.fail(e) : Effect.succeed(cached),
      ),
    );
    if (typeof metadata === "string") return metadata;
    const { commit, etag } = metadata;
    yield* writeRef(paths, model.revision, commit);
    const pointer = paths.snapshot(commit, path);
    if (yield* exists(pointer)) return pointer;
    const blob = paths.blob(etag);
    const fetchBlob = Effect.gen(function* () {
      // Another process may have finished it while this one waited.
      if (yield* exists(blob)) return;
      const incomplete = `${blob}.incomplete`;
      yield* fsTry(blob, () => Deno.mkdir(dirname(blob), { recursive: true }));
      yield* transfer(config, {
        ref: model,
        path,
        url: metadata.location,
        target: incomplete,
        size: metadata.size,
        retries: options.retries,
      });
      yield* verifyDownload(incomplete, { ...model, path, ...metadata });
      yield* fsTry(blob, () => Deno.rename(incomplete, blob));
    });
    if (!(yield* exists(blob))) {
      yield* withFileLock(paths.lock(etag), fetchBlob);
    }
    return yield* linkSnapshot(paths, commit, path, etag);
  });
