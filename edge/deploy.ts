/**
 * The edge entry point: a standard `fetch` handler (Deno Deploy, any
 * runtime with `export default { fetch }`). Pipelines load on first use
 * from the folders `SENTEMB_MODELS`/`SENTEMB_DATA` name; nothing is written.
 */
import { Effect } from "effect";
import { PIPELINES } from "../pipelines/mod.ts";
import { pathsFromEnv } from "../src/paths.ts";
import { servicesLayer } from "../src/services.ts";
import { makeEmbeddingService } from "../src/serve/embedding_service.ts";
import { createApp } from "./app.ts";

const app = Effect.runPromise(
  makeEmbeddingService(PIPELINES).pipe(
    // The edge has no native addon: transformers run on onnxruntime-web.
    Effect.provide(servicesLayer(pathsFromEnv(), "wasm")),
  ),
).then(createApp);

export default {
  fetch: async (request: Request): Promise<Response> =>
    (await app).fetch(request),
};
