import "../temp_cache.ts";
import assert from "node:assert/strict";
import { createApp } from "../../edge/app.ts";
import { testService } from "./test_service.ts";

/** Starts the app on an ephemeral 127.0.0.1 port for the test's duration. */
const withServer = async (
  config: Parameters<typeof testService>[0],
  body: (base: string, app: ReturnType<typeof createApp>) => Promise<void>,
) => {
  const app = createApp(await testService(config));
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    app.fetch,
  );
  try {
    await body(`http://127.0.0.1:${server.addr.port}`, app);
  } finally {
    await server.shutdown();
  }
};

const embedOne = async (base: string, input: string) => {
  const res = await fetch(`${base}/v1/embeddings`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: "words-16", input }),
  });
  assert.equal(res.status, 200);
  return (await res.json()).data[0].embedding as number[];
};

Deno.test("micro-batched answers over the network equal one-by-one answers", async () => {
  const sentences = Array.from(
    { length: 40 },
    (_, i) => `sentence number ${i} about ${i % 7} cats`,
  );
  const alone: number[][] = [];
  await withServer({ batching: false }, async (base) => {
    for (const s of sentences) alone.push(await embedOne(base, s));
  });
  await withServer({ batching: true, maxWaitMs: 20 }, async (base) => {
    const merged = await Promise.all(sentences.map((s) => embedOne(base, s)));
    assert.deepEqual(merged, alone);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    const batches = Number(
      metrics.match(/^sentemb_batch_size_inputs_count (\d+)$/m)?.[1],
    );
    // 40 concurrent requests within a 20 ms window: far fewer batches.
    assert.ok(batches >= 1 && batches < 40, `batches: ${batches}`);
  });
});

Deno.test("a bad-input corpus gets 4xx OpenAI errors and the server keeps serving", async () => {
  const words = "word ".repeat(200_000);
  const corpus: Array<BodyInit> = [
    JSON.stringify({ model: "words-16", input: "" }),
    JSON.stringify({ model: "words-16", input: ["ok", ""] }),
    JSON.stringify({ model: "words-16", input: "x".repeat(1_000_000) }),
    JSON.stringify({ model: "words-16", input: words }),
    JSON.stringify({ model: "words-16", input: [[["deep"]]] }),
    JSON.stringify({ model: "words-16", input: 3.14 }),
    JSON.stringify({ model: "words-16", input: [1, 2] }),
    JSON.stringify({ model: "words-16", input: null }),
    JSON.stringify({ model: 7, input: "x" }),
    JSON.stringify({ model: "a/../../b", input: "x" }),
    JSON.stringify({ model: "words-16", input: Array(100_000).fill("a") }),
    JSON.stringify({ model: "words-16", input: Array(1_000_000).fill("a") }),
    Uint8Array.of(0x7b, 0x22, 0xc3, 0x28, 0x22, 0x7d),
    "",
    "[]",
    "null",
    '{"model": "words-16", "input": "x"',
  ];
  await withServer({}, async (base) => {
    for (const body of corpus) {
      const res = await fetch(`${base}/v1/embeddings`, {
        method: "POST",
        body,
      });
      const json = await res.json();
      assert.ok(
        res.status >= 400 && res.status < 500,
        `status ${res.status} for ${String(body).slice(0, 60)}`,
      );
      assert.equal(typeof json.error?.message, "string");
      assert.equal(typeof json.error?.code, "string");
    }
    assert.equal((await fetch(`${base}/healthz`)).status, 200);
    assert.equal((await embedOne(base, "still serving")).length, 16);
  });
});
