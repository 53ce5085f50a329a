import { Effect, Schema } from "effect";
import { resolve } from "node:path";
import { readRef, repoPaths, snapshotFiles, writeRef } from "./cache.ts";
import { HubClient } from "./client.ts";
import { HubBadResponse, type HubError, HubOffline } from "./errors.ts";
import { discardBody, fetchOrFail, hubHeaders, statusError } from "./http.ts";
import { type ModelRef, toModelRef } from "./ref.ts";

/** The files of a model at one revision. */
export interface RepoListing {
  readonly repo: string;
  readonly revision: string;
  /** The commit the revision resolved to. */
  readonly commit: string;
  /** Paths in the repo, `/`-separated, sorted. */
  readonly files: ReadonlyArray<string>;
  /** Where the list came from: the hub, or (offline) the cached snapshot. */
  readonly source: "hub" | "cache";
}

// The part of `GET /api/models/{repo}/revision/{rev}` read here.
const ModelInfo = Schema.Struct({
  sha: Schema.String.check(Schema.isPattern(/^[0-9a-f]{40}$/)),
  siblings: Schema.Array(Schema.Struct({ rfilename: Schema.String })),
});

/**
 * The files of model `ref` at its revision, from the hub's
 * `GET {endpoint}/api/models/{repo}/revision/{rev}` (`siblings[].rfilename`
 * and `sha`), for choosing among ONNX variants and their external-data
 * files. Offline (`HF_HUB_OFFLINE`), the files the cached snapshot holds.
 *
 * @example
 * ```ts ignore
 * const { files } = await Effect.runPromise(
 *   hubListFiles("Xenova/all-MiniLM-L6-v2").pipe(Effect.provide(HubClientFromEnv)),
 * );
 * files.filter((f) => f.startsWith("onnx/"));
 * ```
 */
export const hubListFiles = (
  ref: string | ModelRef,
): Effect.Effect<RepoListing, HubError, HubClient> =>
  Effect.gen(function* () {
    const config = yield* HubClient;
    const model = yield* toModelRef(ref);
    const cacheDir = resolve(config.cacheDir);
    const paths = repoPaths(cacheDir, model.repo);
    if (config.offline) {
      const commit = yield* readRef(paths, model.revision);
      const files = commit === undefined
        ? []
        : yield* snapshotFiles(paths.snapshotDir(commit));
      if (commit === undefined || files.length === 0) {
        return yield* new HubOffline({ ...model, cacheDir });
      }
      return { ...model, commit, files, source: "cache" as const };
    }
    const url = `${config.endpoint}/api/models/${model.repo}/revision/${
      encodeURIComponent(model.revision)
    }`;
    const response = yield* fetchOrFail(url, { headers: hubHeaders(config) });
    if (!response.ok) {
      yield* discardBody(response);
      return yield* Effect.fail(
        statusError(config, response, model, undefined),
      );
    }
    const bad = (reason: string) =>
      new HubBadResponse({ url, status: response.status, reason });
    const json = yield* Effect.tryPromise({
      try: () => response.json(),
      catch: (e) => bad(`not JSON: ${e}`),
    });
    const info = yield* Schema.decodeUnknownEffect(ModelInfo)(json).pipe(
      Effect.mapError((e) => bad(`not a model info: ${e.message}`)),
    );
    yield* writeRef(paths, model.revision, info.sha);
    return {
      ...model,
      commit: info.sha,
      files: info.siblings.map((s) => s.rfilename).sort(),
      source: "hub" as const,
    };
  });
