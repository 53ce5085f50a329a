import assert from "node:assert/strict";
import { Effect } from "effect";
import { cosine } from "../../src/embeddings.ts";
import { embedWith } from "../../mod.ts";
import { pipeline } from "../../src/pipeline/builder.ts";
import { base64ToFloats } from "../../src/serve/float_base64.ts";
import { normalizeRows } from "../../src/serve/embedding_service.ts";
import {
  dropTokens,
  meanPool,
  quantize,
  randomVectors,
  wordTokens,
} from "../../src/stages/mod.ts";
import { testLayer, testPaths } from "../test_paths.ts";
import { assertOpenAiError } from "./assert_openai_error.ts";
import { edgeFixture, testApp, testPipeline } from "./test_service.ts";

const post = (path: string, body: unknown) => ({
  path,
  init: {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  },
});

const raw = (name: string, texts: string[]) =>
  Effect.runPromise(
    embedWith(testPipeline(name), texts).pipe(
      Effect.provide(testLayer),
    ),
  );

// As served: float vectors unit length (the server normalises pipelines
// that do not end in l2 themselves).
const direct = async (name: string, texts: string[]) => {
  const x = await raw(name, texts);
  return testPipeline(name).stages.at(-1)?._tag === "l2" ? x : normalizeRows(x);
};

Deno.test("POST /v1/embeddings answers in OpenAI's shape with the pipeline's vectors", async () => {
  const app = await testApp();
  const texts = ["A cat sat on the mat.", "Dogs bark"];
  const { path, init } = post("/v1/embeddings", {
    model: "words-16",
    input: texts,
  });
  const res = await app.request(path, init);
  assert.equal(res.status, 200);
  const body = await res.json();
  assert.equal(body.object, "list");
  assert.equal(body.model, "words-16");
  const expected = await direct("words-16", texts);
  assert.equal(body.data.length, 2);
  body.data.forEach((d: { index: number; embedding: number[] }, i: number) => {
    assert.equal(d.index, i);
    assert.deepEqual(
      Float32Array.from(d.embedding),
      expected.data.subarray(i * 16, (i + 1) * 16),
    );
  });
  // Word tokens: a, cat, sat, on, the, mat, . = 7; dogs, bark = 2.
  assert.deepEqual(body.usage, { prompt_tokens: 9, total_tokens: 9 });
  assert.match(
    res.headers.get("x-sentemb-pipeline-hash") ?? "",
    /^[0-9a-f]{12}$/,
  );
});

Deno.test("a string input, base64 encoding and reduced dimensions", async () => {
  const app = await testApp();
  const full = await direct("words-16-l2", ["hello world"]);
  const { path, init } = post("/v1/embeddings", {
    model: "words-16-l2",
    input: "hello world",
    encoding_format: "base64",
    dimensions: 4,
  });
  const res = await app.request(path, init);
  assert.equal(res.status, 200);
  const body = await res.json();
  const v = base64ToFloats(body.data[0].embedding);
  assert.equal(v.length, 4);
  // The first four components, renormalised because the pipeline ends in L2.
  const head = full.data.subarray(0, 4);
  const norm = Math.hypot(...head);
  v.forEach((x, j) => assert.ok(Math.abs(x - head[j] / norm) < 1e-6));
  const tooMany = post("/v1/embeddings", {
    model: "words-16",
    input: "x",
    dimensions: 17,
  });
  await assertOpenAiError(
    await app.request(tooMany.path, tooMany.init),
    400,
    "pipeline_not_servable",
  );
});

Deno.test("POST /v1/similarity scores pairs and matrices by cosine", async () => {
  const app = await testApp();
  const s = ["a cat sat", "a cat sat on a mat", "stocks fell"];
  const v = await direct("words-16", s);
  const row = (i: number) => v.data.subarray(i * 16, (i + 1) * 16);
  const m = post("/v1/similarity", { model: "words-16", sentences: s });
  const matrix = (await (await app.request(m.path, m.init)).json()).matrix;
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      assert.ok(Math.abs(matrix[i][j] - cosine(row(i), row(j))) < 1e-9);
    }
  }
  const p = post("/v1/similarity", {
    model: "words-16",
    pairs: [[s[0], s[1]], [s[0], s[2]]],
  });
  const pairs = await (await app.request(p.path, p.init)).json();
  assert.deepEqual(pairs.data.map((d: { index: number }) => d.index), [0, 1]);
  assert.ok(Math.abs(pairs.data[0].score - matrix[0][1]) < 1e-9);
  assert.ok(Math.abs(pairs.data[1].score - matrix[0][2]) < 1e-9);
  const bad = post("/v1/similarity", { model: "words-16", pairs: [["a"]] });
  await assertOpenAiError(
    await app.request(bad.path, bad.init),
    400,
    "invalid_request",
  );
});

Deno.test("GET /v1/models lists servable pipelines with their hashes", async () => {
  const app = await testApp();
  const body = await (await app.request("/v1/models")).json();
  const ids = body.data.map((m: { id: string }) => m.id);
  assert.deepEqual(ids, [
    "words-16",
    "words-16-l2",
    "tiny-bert-mean",
    "tiny-bert-first-last-l2",
    "missing-vectors",
  ]);
  assert.ok(
    body.data.every((m: { hash: string }) => /^[0-9a-f]{12}$/.test(m.hash)),
  );
});

Deno.test("GET /healthz, /metrics and / answer", async () => {
  const app = await testApp();
  assert.deepEqual(await (await app.request("/healthz")).json(), {
    status: "ok",
  });
  const { path, init } = post("/v1/embeddings", {
    model: "words-16",
    input: ["a b c"],
  });
  await app.request(path, init);
  const metrics = await app.request("/metrics");
  assert.match(metrics.headers.get("content-type") ?? "", /^text\/plain/);
  const text = await metrics.text();
  assert.match(
    text,
    /sentemb_http_requests_total\{route="\/v1\/embeddings",status="200"\} 1/,
  );
  assert.match(text, /sentemb_batch_size_inputs_count 1/);
  assert.match(text, /sentemb_input_tokens_total\{pipeline="words-16"\} 3/);
  const page = await app.request("/");
  assert.equal(page.status, 200);
  assert.match(await page.text(), /<textarea/);
  // Cross-origin isolated, so onnxruntime-web may use threads there.
  assert.equal(page.headers.get("cross-origin-opener-policy"), "same-origin");
  assert.equal(
    page.headers.get("cross-origin-embedder-policy"),
    "require-corp",
  );
});

Deno.test("every error class answers with its status in the OpenAI error shape", async () => {
  const app = await testApp({
    maxInputs: 3,
    maxInputTokens: 5,
    maxBodyBytes: 4096,
  });
  const cases: Array<[unknown, number, string]> = [
    [{ model: "nope", input: "x" }, 404, "model_not_found"],
    [{ model: "../../etc/passwd", input: "x" }, 400, "invalid_request"],
    [{ model: "words-16", input: "" }, 400, "empty_input"],
    [{ model: "words-16", input: [] }, 400, "empty_input"],
    [
      { model: "words-16", input: ["a", "b", "c", "d"] },
      400,
      "too_many_inputs",
    ],
    [
      { model: "words-16", input: "one two three four five six" },
      413,
      "input_too_long",
    ],
    [{ model: "words-16", input: [["nested"]] }, 400, "invalid_request"],
    [{ model: "words-16", input: 42 }, 400, "invalid_request"],
    [{ model: "words-16", input: [1, 2, 3] }, 400, "invalid_request"],
    [
      { model: "words-16", input: "x", encoding_format: "int8" },
      400,
      "invalid_request",
    ],
    [{ input: "x" }, 400, "invalid_request"],
    ["{not json", 400, "invalid_request"],
    [{ model: "words-transductive", input: "x" }, 400, "pipeline_not_servable"],
    [{ model: "missing-vectors", input: "x" }, 503, "model_unavailable"],
    [{ model: "words-16", input: "x".repeat(5000) }, 413, "body_too_large"],
  ];
  for (const [body, status, code] of cases) {
    const { path, init } = post("/v1/embeddings", body);
    await assertOpenAiError(await app.request(path, init), status, code);
  }
  const invalidUtf8 = await app.request("/v1/embeddings", {
    method: "POST",
    body: Uint8Array.of(0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d),
  });
  await assertOpenAiError(invalidUtf8, 400, "invalid_request");
  await assertOpenAiError(await app.request("/v2/nothing"), 404, "not_found");
});

Deno.test("over-long inputs are truncated when the server is set to truncate", async () => {
  const app = await testApp({ maxInputTokens: 2, overLength: "truncate" });
  const { path, init } = post("/v1/embeddings", {
    model: "words-16",
    input: "alpha beta gamma",
  });
  const res = await app.request(path, init);
  assert.equal(res.status, 200);
  const body = await res.json();
  const expected = await direct("words-16", ["alpha beta"]);
  assert.deepEqual(Float32Array.from(body.data[0].embedding), expected.data);
  // Usage reports the tokens embedded: what was left after truncation.
  assert.deepEqual(body.usage, { prompt_tokens: 2, total_tokens: 2 });
});

Deno.test("a request past the time limit is a 504", async () => {
  const app = await testApp({ timeoutMs: 0, maxWaitMs: 50 });
  const { path, init } = post("/v1/embeddings", {
    model: "words-16",
    input: "slow",
  });
  await assertOpenAiError(await app.request(path, init), 504, "timeout");
});

Deno.test("the page's script, the portable specs and their artifacts are served", async () => {
  const { createApp } = await import("../../edge/app.ts");
  const { PIPELINES } = await import("../../pipelines/mod.ts");
  const { makeEmbeddingService } = await import(
    "../../src/serve/embedding_service.ts"
  );
  const service = await Effect.runPromise(
    makeEmbeddingService(PIPELINES).pipe(Effect.provide(testLayer)),
  );
  const app = createApp(service);
  const js = await app.request("/assets/page.js");
  assert.equal(js.status, 200);
  assert.match(js.headers.get("content-type") ?? "", /javascript/);
  const portable = (await (await app.request("/v1/portable")).json()).data;
  const ids = portable.map((m: { id: string }) => m.id);
  // Static pipelines with fixed statistics; never a tokenizer file or input fit.
  assert.ok(ids.includes("random-stems-corpus-idf"));
  assert.ok(!ids.includes("random-stems-idf"));
  assert.ok(!ids.includes("random-bert-ids-corpus-idf"));
  const m = portable.find((x: { id: string }) =>
    x.id === "random-stems-corpus-idf"
  );
  const bytes = await app.request(m.artifact_url);
  assert.equal(bytes.status, 200);
  const disk = Deno.readFileSync(
    `${testPaths.artifacts}/${m.spec.artifact}.semb`,
  );
  assert.deepEqual(new Uint8Array(await bytes.arrayBuffer()), disk);
  await assertOpenAiError(
    await app.request("/artifacts/0123456789abcdef"),
    404,
    "artifact_not_found",
  );
  await assertOpenAiError(
    await app.request("/artifacts/..%2F..%2Fdeno.json"),
    404,
    "artifact_not_found",
  );
});

Deno.test("the committed page bundle is built from the current sources", async () => {
  const r = await new Deno.Command("deno", {
    args: ["run", "-A", "edge/build_page.ts", "--check"],
    cwd: new URL("../../", import.meta.url).pathname,
    stderr: "piped",
  }).output();
  assert.ok(r.success, new TextDecoder().decode(r.stderr));
});

Deno.test("a transformer pipeline is served on the WASM backend, batched like the rest", async () => {
  await edgeFixture();
  const app = await testApp({ maxWaitMs: 20 });
  const texts = [
    "A man plays a guitar.",
    "Two dogs run in the snow.",
    "Stocks fell.",
  ];
  const one = async (input: string) => {
    const { path, init } = post("/v1/embeddings", {
      model: "tiny-bert-mean",
      input,
    });
    const res = await app.request(path, init);
    assert.equal(res.status, 200, await res.clone().text());
    return (await res.json()).data[0].embedding as number[];
  };
  const merged = await Promise.all(texts.map(one));
  const { path, init } = post("/v1/embeddings", {
    model: "tiny-bert-mean",
    input: texts,
  });
  const together = (await (await app.request(path, init)).json()).data;
  assert.equal(merged[0].length, 32);
  merged.forEach((v, i) => {
    const w = together[i].embedding as number[];
    // Batched with different padding: equal up to float rounding.
    v.forEach((x, j) => assert.ok(Math.abs(x - w[j]) < 1e-5));
  });
});

Deno.test("quantized pipelines answer integers at int8 precision, one byte a value in base64", async () => {
  const words = wordTokens({ lowercase: true });
  const vectors = randomVectors(16, 3);
  const drop = dropTokens({ special: true, punctuation: true });
  const registry = [
    // Served as computed (no normalisation), to compare with the quantized.
    pipeline("q-float", words, vectors, drop, meanPool(), {
      rawVectors: true,
    }),
    pipeline("q-binary", words, vectors, drop, meanPool(), quantize("binary")),
    pipeline(
      "q-int8",
      words,
      vectors,
      drop,
      meanPool(),
      quantize("int8", "corpus"),
      { corpusSentences: 500 },
    ),
  ];
  const app = await testApp({}, registry);
  const texts = [
    "A man is playing a guitar.",
    "A person plays an instrument.",
    "The stock market fell sharply today.",
    "Two dogs run in the snow.",
  ];
  const ask = async (model: string, extra: Record<string, unknown> = {}) => {
    const { path, init } = post("/v1/embeddings", {
      model,
      input: texts,
      ...extra,
    });
    const res = await app.request(path, init);
    assert.equal(res.status, 200, await res.clone().text());
    const body = await res.json();
    return {
      precision: res.headers.get("x-sentemb-precision"),
      vectors: body.data.map((d: { embedding: unknown }) => d.embedding),
    };
  };
  const bytesOf = (b64: string) =>
    new Int8Array(Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)).buffer);

  const float = await ask("q-float");
  assert.equal(float.precision, "float32");
  const v = float.vectors as number[][];
  assert.equal(v[0].length, 16);

  // Binary: the signs of the float vector, 8 to a byte, most significant bit
  // first, shifted by −128 into int8.
  const packed = v.map((x) =>
    Array.from({ length: 2 }, (_, b) => {
      let byte = 0;
      for (let bit = 0; bit < 8; bit++) {
        byte = byte * 2 + (x[b * 8 + bit] > 0 ? 1 : 0);
      }
      return byte - 128;
    })
  );
  const binary = await ask("q-binary");
  assert.equal(binary.precision, "int8");
  assert.deepEqual(binary.vectors, packed);
  // Both signs occur, so the check sees more than one bit pattern.
  assert.ok(new Set(packed.flat()).size > 1);
  const binary64 = await ask("q-binary", { encoding_format: "base64" });
  assert.equal(binary64.precision, "int8");
  binary64.vectors.forEach((b64: string, i: number) =>
    assert.deepEqual(bytesOf(b64), Int8Array.from(packed[i]))
  );

  // int8: integers in range, one per dimension, ordered as the float values
  // are (each dimension's map from its corpus range to −128..127 is monotone).
  const int8 = await ask("q-int8");
  assert.equal(int8.precision, "int8");
  const q = int8.vectors as number[][];
  for (const row of q) {
    assert.equal(row.length, 16);
    for (const x of row) {
      assert.ok(Number.isInteger(x) && x >= -128 && x <= 127, String(x));
    }
  }
  for (let j = 0; j < 16; j++) {
    for (let a = 0; a < texts.length; a++) {
      for (let b = 0; b < texts.length; b++) {
        if (v[a][j] < v[b][j]) assert.ok(q[a][j] <= q[b][j], `dim ${j}`);
      }
    }
  }
  assert.ok(new Set(q.flat()).size > 4, "values spread over the range");
  const int864 = await ask("q-int8", { encoding_format: "base64" });
  assert.equal(int864.precision, "int8");
  int864.vectors.forEach((b64: string, i: number) => {
    const bytes = bytesOf(b64);
    assert.equal(bytes.length, 16);
    assert.deepEqual(bytes, Int8Array.from(q[i]));
  });

  // Packed or quantized components are not a smaller embedding.
  const fewer = post("/v1/embeddings", {
    model: "q-binary",
    input: "x",
    dimensions: 1,
  });
  await assertOpenAiError(
    await app.request(fewer.path, fewer.init),
    400,
    "pipeline_not_servable",
  );
});
