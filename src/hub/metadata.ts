import { Effect } from "effect";
import type { HubConfig } from "./client.ts";
import { HubBadResponse, type HubError } from "./errors.ts";
import {
  discardBody,
  fetchOrFail,
  hubHeaders,
  resolveUrl,
  statusError,
} from "./http.ts";
import { isCommitHash, type ModelRef } from "./ref.ts";
import { type Checksum, etagCheck } from "./verify.ts";

/** What a HEAD on a file's resolve URL tells: enough to cache it. */
export interface FileMetadata {
  /** The commit the revision resolved to (`X-Repo-Commit`). */
  readonly commit: string;
  /**
   * The blob's name in the cache: the sha256 of an LFS file
   * (`X-Linked-Etag`), the git blob sha1 of a small one (`ETag`).
   */
  readonly etag: string;
  /** Bytes of the file itself (`X-Linked-Size`, else `Content-Length`). */
  readonly size: number | undefined;
  /** Where to GET the bytes: the CDN URL of a redirect, else the hub pinned to the commit. */
  readonly location: string;
  /** The checksum the ETag stands for; none for a weak or unknown one. */
  readonly checksum: Checksum | undefined;
}

/** `"abc"` or `W/"abc"` → `abc`, as huggingface_hub normalizes an ETag. */
export const normalizeEtag = (etag: string): string =>
  etag.replace(/^W\//, "").replace(/^"|"$/g, "");

const MAX_RELATIVE_REDIRECTS = 5;
const SAFE_ETAG = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

/**
 * HEADs `{endpoint}/{repo}/resolve/{revision}/{path}` without following the
 * redirect to the CDN (only relative ones, which a renamed repo answers), and
 * reads `X-Repo-Commit`, `X-Linked-Etag`/`ETag`, `X-Linked-Size` and
 * `Location`, as huggingface_hub's `get_hf_file_metadata` does.
 */
export const fetchMetadata = (
  config: HubConfig,
  ref: ModelRef,
  path: string,
): Effect.Effect<FileMetadata, HubError> =>
  Effect.gen(function* () {
    let url = resolveUrl(config, ref, path);
    for (let hop = 0;; hop++) {
      const response = yield* fetchOrFail(url, {
        method: "HEAD",
        headers: hubHeaders(config),
        redirect: "manual",
      });
      yield* discardBody(response);
      const location = response.headers.get("location");
      const redirect = response.status >= 300 && response.status < 400;
      const relative = location !== null &&
        !/^[a-z][a-z0-9+.-]*:/i.test(location);
      if (redirect && relative && hop < MAX_RELATIVE_REDIRECTS) {
        url = new URL(location, url).href;
        continue;
      }
      if (!response.ok && !redirect) {
        return yield* Effect.fail(statusError(config, response, ref, path));
      }
      const header = (name: string) => response.headers.get(name) ?? undefined;
      const commit = header("x-repo-commit");
      const etag = header("x-linked-etag") ?? header("etag");
      if (commit === undefined || etag === undefined) {
        return yield* new HubBadResponse({
          url,
          status: response.status,
          reason:
            "no X-Repo-Commit or ETag header: is HF_ENDPOINT a Hugging Face hub?",
        });
      }
      // Both name files in the cache: nothing but a hash may pass.
      if (!isCommitHash(commit) || !SAFE_ETAG.test(normalizeEtag(etag))) {
        return yield* new HubBadResponse({
          url,
          status: response.status,
          reason: `commit "${commit}" or ETag ${etag} is not a hash`,
        });
      }
      // A redirect's own Content-Length counts its body, not the file.
      const size = Number(
        header("x-linked-size") ??
          (redirect ? undefined : header("content-length")),
      );
      const weak = etag.startsWith("W/");
      return {
        commit,
        etag: normalizeEtag(etag),
        checksum: weak ? undefined : etagCheck(normalizeEtag(etag)),
        size: Number.isFinite(size) && size >= 0 ? size : undefined,
        location: redirect && location !== null
          ? location
          : resolveUrl(config, { ...ref, revision: commit }, path),
      };
    }
  });
