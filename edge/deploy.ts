/**
 * The edge entry point: a standard `fetch` handler (Deno Deploy, any
 * runtime with `export default { fetch }`). Pipelines load on first use
 * from the folders `SENTEMB_MODELS`/`SENTEMB_DATA` name; nothing is written:
 * transformer pipelines read their rewritten graphs from a `SENTEMB_CACHE`
 * shipped with the deployment.
 */
import { ManagedRuntime } from "effect";
import { PIPELINES } from "../pipelines/mod.ts";
import { pathsFromEnv } from "../src/paths.ts";
import { servicesLayer } from "../src/services.ts";
import { makeEmbeddingService } from "../src/serve/embedding_service.ts";
import { createApp } from "./app.ts";

// The edge has no native addon: transformers run on onnxruntime-web. The
// runtime lives as long as the isolate, and with it the ORT sessions.
const runtime = ManagedRuntime.make(servicesLayer(pathsFromEnv(), "wasm"));
const app = runtime.runPromise(makeEmbeddingService(PIPELINES)).then(
  createApp,
);

export default {
  fetch: async (request: Request): Promise<Response> =>
    (await app).fetch(request),
};
