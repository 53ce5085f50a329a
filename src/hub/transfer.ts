import { Effect } from "effect";
import { fileSize, fsTry } from "./cache.ts";
import type { HubConfig } from "./client.ts";
import {
  HubBadResponse,
  HubCacheError,
  type HubError,
  HubNetworkError,
} from "./errors.ts";
import { discardBody, fetchOrFail, hubHeaders, statusError } from "./http.ts";
import type { ModelRef } from "./ref.ts";

/** One file to fetch into an `.incomplete` file. */
export interface Transfer {
  readonly ref: ModelRef;
  readonly path: string;
  /** The URL to GET (the CDN location, or the hub pinned to the commit). */
  readonly url: string;
  /** The `.incomplete` file; its bytes are resumed from. */
  readonly target: string;
  /** Expected bytes, when the hub said. */
  readonly size: number | undefined;
  /** Further attempts after a broken connection, each resuming (default 2). */
  readonly retries?: number;
}

// Appends a response body to the file, feeding the progress bar. Resolves to
// undefined when the body ended, or to the error that cut it. Interruption
// cancels the body.
const appendBody = (
  target: string,
  body: ReadableStream<Uint8Array> | null,
  fresh: boolean,
  advance: (n: number) => void,
) =>
  Effect.tryPromise({
    try: async (signal) => {
      const stream = body ?? new Blob().stream();
      const file = await Deno.open(target, {
        create: true,
        write: true,
        append: !fresh,
        truncate: fresh,
      }).catch(async (e) => {
        await stream.cancel().catch(() => {});
        throw e;
      });
      const reader = stream.getReader();
      const cancel = () => reader.cancel().catch(() => {});
      signal.addEventListener("abort", cancel);
      try {
        for (;;) {
          let read: ReadableStreamReadResult<Uint8Array>;
          try {
            read = await reader.read();
          } catch (e) {
            return e instanceof Error ? e.message : String(e);
          }
          if (read.done) return undefined;
          const chunk = read.value;
          for (let at = 0; at < chunk.length;) {
            at += await file.write(chunk.subarray(at));
          }
          advance(chunk.length);
        }
      } finally {
        signal.removeEventListener("abort", cancel);
        file.close();
        await cancel();
      }
    },
    catch: (e) => new HubCacheError({ path: target, reason: String(e) }),
  });

/**
 * Downloads into `target`, resuming from its bytes with `Range: bytes=N-`
 * (starting over when the server answers 200 instead of 206), and retrying
 * a failed connection or one that broke mid-file. The bytes stay in `target` for the caller to check.
 */
export const transfer = (
  config: HubConfig,
  job: Transfer,
): Effect.Effect<void, HubError> =>
  Effect.gen(function* () {
    const attempts = 1 + (job.retries ?? 2);
    const onHub = new URL(job.url).origin === new URL(config.endpoint).origin;
    for (let attempt = 1;; attempt++) {
      let offset = (yield* fileSize(job.target)) ?? 0;
      if (job.size !== undefined && offset === job.size) return;
      if (job.size !== undefined && offset > job.size) offset = 0;
      const range: Record<string, string> = offset > 0
        ? { range: `bytes=${offset}-` }
        : {};
      const response = yield* fetchOrFail(job.url, {
        // The token goes to the hub only: a CDN's signed URL refuses it.
        headers: onHub
          ? hubHeaders(config, range)
          : hubHeaders({ ...config, token: undefined }, range),
      }).pipe(
        // Could not connect: try again shortly while attempts remain.
        Effect.catchTag("HubNetworkError", (e) =>
          attempt >= attempts
            ? Effect.fail(e)
            : Effect.as(Effect.sleep(250 * attempt), undefined)),
      );
      if (response === undefined) {
        continue;
      }
      if (!response.ok && response.status !== 416) {
        yield* discardBody(response);
        return yield* Effect.fail(
          onHub
            ? statusError(config, response, job.ref, job.path)
            : new HubBadResponse({
              url: job.url,
              status: response.status,
              reason: "the download location refused the request",
            }),
        );
      }
      // 416, or a 206 of some other range: the partial file does not fit
      // the blob, so it starts over.
      const misfit = response.status === 416 || (response.status === 206 &&
        !(response.headers.get("content-range") ?? `bytes ${offset}-`)
          .startsWith(`bytes ${offset}-`));
      if (misfit) {
        yield* discardBody(response);
        yield* fsTry(job.target, () =>
          Deno.truncate(job.target, 0));
        if (attempt >= attempts) {
          return yield* new HubBadResponse({
            url: job.url,
            status: response.status,
            reason: `no usable answer to a request for bytes ${offset}-`,
          });
        }
        continue;
      }
      // A 200 to a range request carries the whole file: start over.
      if (response.status !== 206) {
        offset = 0;
      }
      const task = config.progress?.start(job.path, job.size, offset);
      const cut = yield* appendBody(
        job.target,
        response.body,
        offset === 0,
        (n) =>
          task?.advance(n),
      );
      task?.finish();
      if (cut === undefined) return;
      if (attempt >= attempts) {
        return yield* new HubNetworkError({
          url: job.url,
          reason: `the connection broke (${cut})`,
          kept: (yield* fileSize(job.target)) ?? 0,
        });
      }
    }
  });
