import { Effect } from "effect";
import type { HubConfig } from "./client.ts";
import {
  HubBadResponse,
  type HubError,
  HubNetworkError,
  HubNotFound,
  HubUnauthorized,
} from "./errors.ts";
import type { ModelRef } from "./ref.ts";

/** The request headers the hub sees: a user agent, and the token if any. */
export const hubHeaders = (
  config: HubConfig,
  extra: Record<string, string> = {},
): Record<string, string> => ({
  "user-agent": `sentemb/0.1.0; deno/${Deno.version.deno}`,
  // Content-Length then counts the file's own bytes, never a compressed form.
  "accept-encoding": "identity",
  ...(config.token ? { authorization: `Bearer ${config.token}` } : {}),
  ...extra,
});

/** `{endpoint}/{repo}/resolve/{revision}/{path}`, each part URL-encoded. */
export const resolveUrl = (
  config: HubConfig,
  ref: ModelRef,
  path: string,
): string =>
  `${config.endpoint}/${ref.repo}/resolve/${encodeURIComponent(ref.revision)}/${
    path.split("/").map(encodeURIComponent).join("/")
  }`;

/** Fetches; a failure to connect becomes a {@link HubNetworkError}. */
export const fetchOrFail = (
  url: string,
  init: RequestInit,
): Effect.Effect<Response, HubNetworkError> =>
  Effect.tryPromise({
    try: (signal) => fetch(url, { ...init, signal }),
    catch: (e) =>
      new HubNetworkError({
        url,
        reason: e instanceof Error ? e.message : String(e),
      }),
  });

/** Drops a response body that will not be read, so the connection is freed. */
export const discardBody = (response: Response): Effect.Effect<void> =>
  Effect.promise(() => response.body?.cancel() ?? Promise.resolve());

/**
 * The typed error for a failed hub answer: 401/403 → gated or private,
 * 404 → which of repository, revision or file (the hub says in
 * `X-Error-Code`), anything else → an unexpected answer.
 */
export const statusError = (
  config: HubConfig,
  response: Response,
  ref: ModelRef,
  path: string | undefined,
): HubError => {
  const code = response.headers.get("x-error-code");
  const base = { repo: ref.repo, revision: ref.revision, path };
  if (code === "RepoNotFound") {
    return new HubNotFound({ ...base, missing: "repository" });
  }
  if (response.status === 401 || response.status === 403) {
    return new HubUnauthorized({
      ...base,
      status: response.status,
      tokenSent: Boolean(config.token),
    });
  }
  if (response.status === 404) {
    return new HubNotFound({
      ...base,
      missing: code === "RevisionNotFound" ? "revision" : "file",
    });
  }
  return new HubBadResponse({
    url: response.url,
    status: response.status,
    reason: response.headers.get("x-error-message") ?? response.statusText,
  });
};
