import "../temp_cache.ts";
import assert from "node:assert/strict";
import { DEFAULT_PIPELINE, PIPELINES } from "../../pipelines/mod.ts";
import { buildWorker, workerdBinary } from "../../edge/workerd/build.ts";
import { TEST_CACHE } from "../temp_cache.ts";
import { testApp } from "./test_service.ts";

const SENTENCES = [
  "A man is playing a guitar.",
  "The stock market fell sharply today.",
  "Someone plays an instrument.",
];
const TRANSFORMER = "stories260k-mean";

const bin = workerdBinary();

const freePort = () => {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
};

const waitFor = async (url: string, child: Deno.ChildProcess) => {
  for (let i = 0; i < 200; i++) {
    try {
      const r = await fetch(url);
      await r.body?.cancel();
      if (r.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill();
  throw new Error(`workerd did not answer ${url}`);
};

const post = (base: string, model: string, input: string[]) =>
  fetch(`${base}/v1/embeddings`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model, input }),
  });

Deno.test({
  name:
    "the edge app on workerd embeds with the default pipeline as the Deno server does, and answers 503 for transformers" +
    (bin === undefined
      ? " (skipped: no workerd binary under node_modules; run deno install)"
      : ""),
  ignore: bin === undefined,
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const dir = await Deno.makeTempDir({ dir: TEST_CACHE, prefix: "workerd-" });
    const port = freePort();
    const built = await buildWorker(dir, port);
    // The default pipeline's artifact travels as a data module.
    const spec = PIPELINES.find((p) => p.name === DEFAULT_PIPELINE)!;
    assert.ok(built.artifacts.includes(spec.artifact!));
    const child = new Deno.Command(bin!, {
      args: ["serve", "config.capnp"],
      cwd: dir,
      stdout: "null",
      stderr: "piped",
    }).spawn();
    const base = `http://127.0.0.1:${port}`;
    try {
      await waitFor(`${base}/healthz`, child);
      const health = await (await fetch(`${base}/healthz`)).json();
      assert.equal(health.runtime, "workerd");
      // The kernel arrives compiled; workerd would refuse to compile it.
      assert.equal(health.row_kernel, "precompiled");

      const got = await post(base, DEFAULT_PIPELINE, SENTENCES);
      assert.equal(got.status, 200);
      const body = await got.json();

      const deno = await testApp({}, PIPELINES);
      const want = await (await deno.request("/v1/embeddings", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: DEFAULT_PIPELINE, input: SENTENCES }),
      })).json();
      assert.equal(body.data.length, SENTENCES.length);
      assert.deepEqual(body.usage, want.usage);
      for (let i = 0; i < SENTENCES.length; i++) {
        const a: number[] = body.data[i].embedding;
        const b: number[] = want.data[i].embedding;
        assert.equal(a.length, 2048);
        assert.equal(a.length, b.length);
        let worst = 0;
        for (let j = 0; j < a.length; j++) {
          worst = Math.max(worst, Math.abs(a[j] - b[j]));
        }
        assert.ok(worst <= 1e-6, `sentence ${i}: |workerd - deno| = ${worst}`);
      }

      const models = await (await fetch(`${base}/v1/models`)).json();
      const ids = models.data.map((m: { id: string }) => m.id);
      assert.ok(ids.includes(DEFAULT_PIPELINE));
      assert.ok(!ids.includes(TRANSFORMER), "only what runs here is listed");
      const all = await (await fetch(`${base}/v1/models?all=true`)).json();
      const t = all.data.find((m: { id: string }) => m.id === TRANSFORMER);
      assert.equal(t.availability, "unavailable");

      const refused = await post(base, TRANSFORMER, ["A cat."]);
      assert.equal(refused.status, 503);
      const error = (await refused.json()).error;
      assert.equal(error.code, "runtime_unsupported");
      assert.match(error.message, /onnxruntime-web/);
      assert.match(error.message, /\d+\.\d MiB/);
      assert.doesNotMatch(error.message, /\/work|\/tmp|\.cache/);
    } finally {
      child.kill();
      await child.stderr.cancel();
      await child.status;
    }
  },
});
