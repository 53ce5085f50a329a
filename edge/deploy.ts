/**
 * The edge entry point: a standard `fetch` handler (Deno Deploy, any
 * runtime with `export default { fetch }`). Pipelines load on first use
 * from the folders `SENTEMB_MODELS`/`SENTEMB_DATA` name; nothing is written.
 */
import { Effect } from "effect";
import { PIPELINES } from "../pipelines/mod.ts";
import { PathsFromEnv } from "../src/paths.ts";
import { makeEmbeddingService } from "../src/serve/embedding_service.ts";
import { createApp } from "./app.ts";

const app = Effect.runPromise(
  makeEmbeddingService(PIPELINES).pipe(Effect.provide(PathsFromEnv)),
).then(createApp);

export default {
  fetch: async (request: Request): Promise<Response> =>
    (await app).fetch(request),
};
