import "../temp_cache.ts";
import assert from "node:assert/strict";
import { createApp } from "../../edge/app.ts";
import { pipeline } from "../../src/pipeline/builder.ts";
import {
  dropTokens,
  lastLayer,
  meanPool,
  randomVectors,
  transformer,
  wordTokens,
} from "../../src/stages/mod.ts";
import { base64ToFloats } from "../../src/serve/float_base64.ts";
import { PIPELINES } from "../../pipelines/mod.ts";
import { assertOpenAiError } from "./assert_openai_error.ts";
import {
  edgeFixture,
  TEST_PIPELINES,
  testApp,
  testService,
} from "./test_service.ts";

// Issue #17: every silent change the server used to make now fails loudly
// or is reported.

const words = wordTokens({ lowercase: true });
const drop = dropTokens({ special: true, punctuation: true });
const REGISTRY = [
  ...TEST_PIPELINES,
  pipeline("words-16-raw", words, randomVectors(16, 3), drop, meanPool(), {
    description: "served as computed",
    rawVectors: true,
  }),
  pipeline(
    "tiny-bert-16",
    transformer("tiny-bert-edge", { layers: lastLayer(), maxTokens: 16 }),
    meanPool(),
    { description: "the edge transformer with a 16-token limit" },
  ),
  // A llama2.c tokenizer, which keeps NUL as a byte piece.
  ...PIPELINES.filter((p) => p.name === "stories260k-prompteol"),
];

const post = (path: string, body: unknown): [string, RequestInit] => [path, {
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body),
}];

const norm = (v: ArrayLike<number>) =>
  Math.hypot(...Array.from(v, (x) => Number(x)));

Deno.test("NUL and other control characters are refused with 400 for every tokenizer, never cut", async () => {
  await edgeFixture();
  const app = await testApp({}, REGISTRY);
  for (const model of ["words-16", "tiny-bert-16", "stories260k-prompteol"]) {
    for (const bad of ["a\u0000b", "cat\u0007", "\u001bx", "x\u0085y"]) {
      const res = await app.request(
        ...post("/v1/embeddings", { model, input: ["fine", bad] }),
      );
      const body = await res.clone().json();
      await assertOpenAiError(res, 400, "invalid_characters");
      assert.match(body.error.message, /input 1 has the control character/);
    }
    // Tab, line feed and carriage return are whitespace, and kept.
    const ok = await app.request(
      ...post("/v1/embeddings", { model, input: "a\tb\nc\r\nd" }),
    );
    assert.equal(ok.status, 200, await ok.clone().text());
  }
});

Deno.test("inputs over a transformer's own limit are refused (413) or truncated and reported", async () => {
  await edgeFixture();
  const app = await testApp({}, REGISTRY);
  const long = Array.from({ length: 40 }, (_, i) => `word${i}`).join(" ");
  // The server's limit is 8,192 tokens, but the encoder takes 16: before,
  // this was cut silently.
  const refused = await app.request(
    ...post("/v1/embeddings", { model: "tiny-bert-16", input: long }),
  );
  const msg = (await refused.clone().json()).error.message;
  await assertOpenAiError(refused, 413, "input_too_long");
  assert.match(msg, /the limit is 16/);
  assert.match(msg, /"truncate": true/);

  const cut = await app.request(
    ...post("/v1/embeddings", {
      model: "tiny-bert-16",
      input: [long, "short one"],
      truncate: true,
    }),
  );
  assert.equal(cut.status, 200, await cut.clone().text());
  assert.equal(cut.headers.get("x-sentemb-truncated"), "1");
  const body = await cut.json();
  // usage counts what was embedded: 16 for the cut input, plus the short one.
  assert.ok(body.usage.prompt_tokens > 16 && body.usage.prompt_tokens < 30);

  // The server's setting decides when the request does not.
  const serverCuts = await testApp({ overLength: "truncate" }, REGISTRY);
  const res = await serverCuts.request(
    ...post("/v1/similarity", {
      model: "tiny-bert-16",
      pairs: [[long, "short one"]],
    }),
  );
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("x-sentemb-truncated"), "1");
  const ok = await serverCuts.request(
    ...post("/v1/embeddings", { model: "tiny-bert-16", input: "short" }),
  );
  assert.equal(ok.headers.get("x-sentemb-truncated"), "0");
});

Deno.test("served float vectors are unit length unless the pipeline opts out, and /v1/models says which", async () => {
  const app = await testApp({}, REGISTRY);
  const text = "a cat sat on the mat";
  const ask = async (model: string, extra: Record<string, unknown> = {}) => {
    const res = await app.request(
      ...post("/v1/embeddings", { model, input: text, ...extra }),
    );
    assert.equal(res.status, 200, await res.clone().text());
    return (await res.json()).data[0].embedding;
  };
  assert.ok(Math.abs(norm(await ask("words-16")) - 1) < 1e-5);
  assert.ok(Math.abs(norm(await ask("words-16-l2")) - 1) < 1e-5);
  const raw = await ask("words-16-raw");
  assert.ok(Math.abs(norm(raw) - 1) > 0.01, `raw norm ${norm(raw)}`);
  // Same direction either way.
  const unit = await ask("words-16");
  raw.forEach((x: number, j: number) =>
    assert.ok(Math.abs(x / norm(raw) - unit[j]) < 1e-5)
  );
  // `dimensions` renormalises, in floats and in base64.
  assert.ok(
    Math.abs(norm(await ask("words-16", { dimensions: 5 })) - 1) < 1e-5,
  );
  const b64 = await ask("words-16", {
    dimensions: 7,
    encoding_format: "base64",
  });
  assert.ok(Math.abs(norm(base64ToFloats(b64)) - 1) < 1e-5);

  const models = (await (await app.request("/v1/models")).json()).data;
  const info = (id: string) => models.find((m: { id: string }) => m.id === id);
  assert.equal(info("words-16").unit_length, true);
  assert.equal(info("words-16").normalized_by_server, true);
  assert.equal(info("words-16-l2").normalized_by_server, false);
  assert.equal(info("words-16-raw").unit_length, false);
});

Deno.test("/v1/models lists what can run now with availability and dimensions; ?all=true the rest; GET /v1/models/{id}", async () => {
  const app = await testApp();
  const list = async (query = "") =>
    (await (await app.request(`/v1/models${query}`)).json()).data as Array<
      { id: string; availability: string; dimensions: number | null }
    >;
  const before = await list();
  assert.ok(before.every((m) => m.availability === "not_loaded"));
  assert.ok(before.every((m) => m.dimensions === null));

  await app.request(
    ...post("/v1/embeddings", { model: "words-16", input: "x y" }),
  );
  await app.request(
    ...post("/v1/embeddings", { model: "missing-vectors", input: "x" }),
  );
  const now = await list();
  assert.equal(now.find((m) => m.id === "words-16")?.availability, "ready");
  assert.equal(now.find((m) => m.id === "words-16")?.dimensions, 16);
  assert.equal(now.find((m) => m.id === "missing-vectors"), undefined);
  const all = await list("?all=true");
  const missing = all.find((m) => m.id === "missing-vectors");
  assert.equal(missing?.availability, "unavailable");

  const one = await app.request("/v1/models/words-16");
  assert.equal(one.status, 200);
  assert.equal((await one.json()).dimensions, 16);
  await assertOpenAiError(
    await app.request("/v1/models/no-such"),
    404,
    "model_not_found",
  );
});

Deno.test("server-side failures carry no host paths; the details go to the log", async () => {
  const logged: string[] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => logged.push(args.join(" "));
  try {
    const app = await testApp();
    const res = await app.request(
      ...post("/v1/embeddings", { model: "missing-vectors", input: "x" }),
    );
    const body = await res.clone().json();
    await assertOpenAiError(res, 503, "model_unavailable");
    assert.doesNotMatch(body.error.message, /\//);
    assert.doesNotMatch(body.error.message, /shared|work|models\//);
    assert.ok(logged.some((l) => l.includes("no-such-model/vectors.txt")));
  } finally {
    console.error = original;
  }
});

Deno.test("a wrong method is a 405 with Allow", async () => {
  const app = await testApp();
  const get = await app.request("/v1/embeddings");
  assert.equal(get.headers.get("allow"), "POST");
  await assertOpenAiError(get, 405, "method_not_allowed");
  const put = await app.request("/v1/models", { method: "PUT" });
  assert.equal(put.headers.get("allow"), "GET, HEAD");
  await assertOpenAiError(put, 405, "method_not_allowed");
  await assertOpenAiError(
    await app.request("/v1/models/words-16", { method: "DELETE" }),
    405,
    "method_not_allowed",
  );
  // Unknown routes stay 404.
  await assertOpenAiError(await app.request("/v1/nope"), 404, "not_found");
});

Deno.test("CORS is off by default and answers only the configured origins", async () => {
  const preflight = {
    method: "OPTIONS",
    headers: {
      origin: "https://a.example",
      "access-control-request-method": "POST",
      "access-control-request-headers": "content-type",
    },
  };
  const off = await testApp();
  const res = await off.request(
    ...post("/v1/embeddings", { model: "words-16", input: "x" }),
  );
  assert.equal(res.headers.get("access-control-allow-origin"), null);
  const offPre = await off.request("/v1/embeddings", preflight);
  assert.equal(offPre.headers.get("access-control-allow-origin"), null);

  const on = await testApp({ corsOrigins: ["https://a.example"] });
  const pre = await on.request("/v1/embeddings", preflight);
  assert.equal(pre.status, 204);
  assert.equal(
    pre.headers.get("access-control-allow-origin"),
    "https://a.example",
  );
  const [path, init] = post("/v1/embeddings", {
    model: "words-16",
    input: "x",
  });
  const cross = await on.request(path, {
    ...init,
    headers: { ...init.headers, origin: "https://a.example" },
  });
  assert.equal(cross.status, 200);
  assert.equal(
    cross.headers.get("access-control-allow-origin"),
    "https://a.example",
  );
  assert.match(
    cross.headers.get("access-control-expose-headers") ?? "",
    /x-sentemb-truncated/,
  );
  const other = await on.request(path, {
    ...init,
    headers: { ...init.headers, origin: "https://evil.example" },
  });
  assert.notEqual(
    other.headers.get("access-control-allow-origin"),
    "https://evil.example",
  );
});

Deno.test("character and answer-size caps answer 413 before any tokenization", async () => {
  const app = await testApp({ maxAnswerValues: 32, maxRequestChars: 100 });
  const three = ["one", "two", "three"];
  const big = await app.request(
    ...post("/v1/embeddings", { model: "words-16", input: three }),
  );
  const msg = (await big.clone().json()).error.message;
  await assertOpenAiError(big, 413, "answer_too_large");
  assert.match(msg, /base64/);
  assert.match(msg, /fewer inputs/);
  // base64 carries four times as many; fewer dimensions fit too.
  const b64 = await app.request(
    ...post("/v1/embeddings", {
      model: "words-16",
      input: three,
      encoding_format: "base64",
    }),
  );
  assert.equal(b64.status, 200);
  const matrix = await app.request(
    ...post("/v1/similarity", {
      model: "words-16",
      sentences: ["a", "b", "c", "d", "e", "f"],
    }),
  );
  await assertOpenAiError(matrix, 413, "answer_too_large");
  const chars = await app.request(
    ...post("/v1/embeddings", {
      model: "words-16",
      input: ["x".repeat(60), "y".repeat(60)],
    }),
  );
  await assertOpenAiError(chars, 413, "input_too_long");
});

Deno.test("a full pipeline queue answers 429 overloaded with Retry-After", async () => {
  const app = await testApp({ maxQueue: 1, maxWaitMs: 300 });
  const [first, second] = await Promise.all([
    app.request(...post("/v1/embeddings", { model: "words-16", input: "a" })),
    app.request(...post("/v1/embeddings", { model: "words-16", input: "b" })),
  ]);
  assert.equal(first.status, 200);
  assert.equal(second.headers.get("retry-after"), "1");
  await assertOpenAiError(second, 429, "overloaded");
  // The queue drains: the next request is served.
  const after = await app.request(
    ...post("/v1/embeddings", { model: "words-16", input: "c" }),
  );
  assert.equal(after.status, 200);
});

Deno.test("a body that stalls is a 408, and bodies in flight are capped (429)", async () => {
  const app = createApp(
    await testService({ bodyTimeoutMs: 800, maxBodiesInFlight: 1 }),
  );
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    app.fetch,
  );
  const port = server.addr.port;
  const base = `http://127.0.0.1:${port}`;
  // A client that sends its headers and part of the body, then stalls.
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    const head = '{"model": "words-16", ';
    await conn.write(new TextEncoder().encode(
      `POST /v1/embeddings HTTP/1.1\r\nhost: 127.0.0.1\r\n` +
        `content-type: application/json\r\ncontent-length: 100\r\n\r\n${head}`,
    ));
    await new Promise((r) => setTimeout(r, 300));
    // One body is being read: a second one is refused meanwhile.
    const busy = await fetch(`${base}/v1/embeddings`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "words-16", input: "x" }),
    });
    assert.equal(busy.status, 429, await busy.clone().text());
    assert.equal(busy.headers.get("retry-after"), "1");
    await assertOpenAiError(busy, 429, "overloaded");
    // The stalled one is answered 408 when its read time is up.
    const buf = new Uint8Array(4096);
    const n = await conn.read(buf);
    const answer = new TextDecoder().decode(buf.subarray(0, n ?? 0));
    assert.match(answer, /^HTTP\/1.1 408/);
    assert.match(answer, /body_timeout/);
    const ok = await fetch(`${base}/v1/embeddings`, {
      method: "POST",
      body: JSON.stringify({ model: "words-16", input: "x" }),
    });
    assert.equal(ok.status, 200);
    await ok.body?.cancel();
  } finally {
    conn.close();
    await server.shutdown();
  }
});
