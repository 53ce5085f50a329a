import assert from "node:assert/strict";
import { Effect } from "effect";
import * as ort from "onnxruntime-web";
import { createApp } from "../../edge/app.ts";
import { PIPELINES } from "../../pipelines/mod.ts";
import { embedWith } from "../../mod.ts";
import type { Embeddings } from "../../src/embeddings.ts";
import { ortSession } from "../../src/forward/ort_session.ts";
import { localWasmPaths } from "../../src/forward/wasm_backend.ts";
import {
  type ClientIo,
  loadClientTransformer,
  type PortableEntry,
} from "../../src/pipeline/client_transformer.ts";
import { makeEmbeddingService } from "../../src/serve/embedding_service.ts";
import { testLayer } from "../test_paths.ts";
import { assertOpenAiError } from "./assert_openai_error.ts";
import { edgeFixture, testApp } from "./test_service.ts";

const opts = { sanitizeResources: false, sanitizeOps: false };

const SENTENCES = [
  "A man is playing a guitar.",
  "A person plays an instrument.",
  "The stock market fell sharply today.",
];

// What the page does, with the app in place of the network and Deno's
// onnxruntime-web (WASM) in place of the browser's.
const clientOf = (
  app: { request: (p: string) => Response | Promise<Response> },
): ClientIo => ({
  get: async (path) => await app.request(path),
  open: async (graph) => {
    ort.env.wasm.wasmPaths = localWasmPaths();
    return ortSession(
      ort.Tensor,
      await ort.InferenceSession.create(graph, {
        executionProviders: ["wasm"],
      }),
    );
  },
});

const entryOf = async (
  app: { request: (p: string) => Response | Promise<Response> },
  id: string,
): Promise<PortableEntry> => {
  const list = (await (await app.request("/v1/portable")).json())
    .data as PortableEntry[];
  const entry = list.find((e) => e.id === id);
  assert.ok(entry, `${id} is not listed as portable: ${list.map((e) => e.id)}`);
  return entry;
};

const maxDiff = (a: Embeddings, b: ArrayLike<number>) => {
  assert.equal(a.data.length, b.length);
  let m = 0;
  for (let i = 0; i < b.length; i++) {
    m = Math.max(m, Math.abs(a.data[i] - b[i]));
  }
  return m;
};

Deno.test({
  name:
    "a client runs a transformer pipeline from the served files and gets the server's vectors",
  ...opts,
  fn: async () => {
    await edgeFixture();
    const app = await testApp();
    const entry = await entryOf(app, "tiny-bert-first-last-l2");
    assert.equal(entry.kind, "transformer");
    const client = await loadClientTransformer(entry, clientOf(app));
    // Layers 0 and L of a 2-layer graph; nothing was fetched by a path.
    assert.deepEqual(client.model.settings.layers, { _tag: "firstLast" });
    assert.equal(client.model.graph.hiddenStates.length, 3);
    // The listing says what the page will download: the weights, about the
    // size of the rewritten graph (which adds only outputs).
    const graphBytes = client.model.files["graph.onnx"];
    assert.ok(
      Math.abs(graphBytes - entry.model_bytes) < 0.01 * entry.model_bytes,
      `${graphBytes} vs ${entry.model_bytes}`,
    );
    const mine = await client.embed(SENTENCES);
    const res = await app.request("/v1/embeddings", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: entry.id, input: SENTENCES }),
    });
    const server = (await res.json()).data.flatMap((
      d: { embedding: number[] },
    ) => d.embedding);
    assert.ok(
      maxDiff(mine, server) < 1e-5,
      `differs by ${maxDiff(mine, server)}`,
    );
    // L2 was applied on the client too.
    for (let i = 0; i < 3; i++) {
      const r = mine.data.subarray(i * mine.dim, (i + 1) * mine.dim);
      assert.ok(Math.abs(Math.hypot(...r) - 1) < 1e-5);
    }
    await client.release();
  },
});

Deno.test({
  name:
    "stories260K PromptEOL+TP runs on a client (llama2.c tokenizer, TP graph) as on the server",
  ...opts,
  fn: async () => {
    const service = await Effect.runPromise(
      makeEmbeddingService(PIPELINES).pipe(Effect.provide(testLayer)),
    );
    const app = createApp(service);
    const entry = await entryOf(app, "stories260k-prompteol-tp");
    const client = await loadClientTransformer(entry, clientOf(app));
    assert.equal(client.model.tokenizer, "llama2c");
    assert.ok(client.model.graph.inputs.some((i) => i.name === "tp_mask"));
    const mine = await client.embed(SENTENCES);
    // The server's pipeline on onnxruntime-node.
    const server = await Effect.runPromise(
      embedWith(entry.id, SENTENCES).pipe(Effect.provide(testLayer)),
    );
    const scale = Math.max(...server.data.map(Math.abs));
    assert.ok(
      maxDiff(mine, server.data) <= 1e-5 * scale,
      `differs by ${maxDiff(mine, server.data)} (scale ${scale})`,
    );
    await client.release();
  },
});

Deno.test({
  name:
    "client model routes: descriptions, files by role only, onnxruntime-web assets by name only",
  ...opts,
  fn: async () => {
    await edgeFixture();
    const app = await testApp();
    const model = await (await app.request("/v1/portable/tiny-bert-mean/model"))
      .json();
    assert.deepEqual(Object.keys(model.file_urls).sort(), [
      "graph.onnx",
      "tokenizer.json",
      "tokenizer_config.json",
    ]);
    assert.equal(model.tokenizer, "pretrained");
    const graph = await app.request(model.file_urls["graph.onnx"]);
    assert.equal(graph.status, 200);
    const bytes = new Uint8Array(await graph.arrayBuffer());
    assert.equal(bytes.length, model.files["graph.onnx"]);
    assert.equal(Number(graph.headers.get("content-length")), bytes.length);
    // A static pipeline, an unknown one, a role that is no role, a path.
    await assertOpenAiError(
      await app.request("/v1/portable/words-16/model"),
      404,
      "not_portable",
    );
    await assertOpenAiError(
      await app.request("/v1/portable/nope/model"),
      404,
      "model_not_found",
    );
    await assertOpenAiError(
      await app.request("/v1/portable/tiny-bert-mean/files/config.json"),
      404,
      "not_portable",
    );
    await assertOpenAiError(
      await app.request(
        "/v1/portable/tiny-bert-mean/files/..%2F..%2Fdeno.json",
      ),
      404,
      "not_portable",
    );
    await assertOpenAiError(
      await app.request("/v1/portable/tiny-bert-mean/files/tokenizer.bin"),
      404,
      "not_portable",
    );
    const mjs = await app.request("/assets/ort/ort.webgpu.min.mjs");
    assert.equal(mjs.status, 200);
    assert.match(mjs.headers.get("content-type") ?? "", /javascript/);
    await mjs.arrayBuffer();
    const wasm = await app.request(
      "/assets/ort/ort-wasm-simd-threaded.jsep.wasm",
    );
    assert.equal(wasm.headers.get("content-type"), "application/wasm");
    await wasm.arrayBuffer();
    for (
      const bad of [
        "..%2Fpackage.json",
        "ort.min.js.map",
        "package.json",
        "ort.webgpu.min.mjs%00",
      ]
    ) {
      await assertOpenAiError(
        await app.request(`/assets/ort/${bad}`),
        404,
        "not_found",
      );
    }
  },
});
