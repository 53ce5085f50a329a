import assert from "node:assert/strict";
import { ManagedRuntime } from "effect";
import { PIPELINES } from "../../pipelines/mod.ts";
import { createApp } from "../../edge/app.ts";
import { makeEmbeddingService } from "../../src/serve/embedding_service.ts";
import { DEFAULT_SERVE_CONFIG } from "../../src/serve/serve_config.ts";
import { type WorkerPool, workerPool } from "../../src/serve/worker_pool.ts";
import { servicesLayer } from "../../src/services.ts";
import { testPaths } from "../test_paths.ts";
import { testPipeline } from "./test_service.ts";

const catalogue = (name: string) => {
  const spec = PIPELINES.find((p) => p.name === name);
  if (!spec) throw new Error(`no pipeline ${name}`);
  return spec;
};

const REGISTRY = [
  testPipeline("words-16"),
  catalogue("stories260k-prompteol"),
  catalogue("stories260k-mean"),
];

const post = (base: string, path: string, body: unknown) =>
  fetch(`${base}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });

Deno.test({
  name:
    "with the worker pool, /healthz and a static embedding answer while long stories260K requests run",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const config = { ...DEFAULT_SERVE_CONFIG, timeoutMs: 300_000 };
    const pool = workerPool(3, {
      registry: REGISTRY,
      paths: testPaths,
      backend: "native",
      config,
    });
    const runtime = ManagedRuntime.make(servicesLayer(testPaths));
    const service = await runtime.runPromise(
      makeEmbeddingService(REGISTRY, config, pool),
    );
    // Loaded first, so what is timed is embedding, not loading.
    await runtime.runPromise(service.warm);
    for (const m of REGISTRY) {
      assert.equal(service.availability(m.name).availability, "ready");
    }
    const server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen: () => {} },
      createApp(service).fetch,
    );
    const base = `http://127.0.0.1:${server.addr.port}`;
    try {
      const words = "the quick brown fox jumps over a lazy dog ";
      const long = words.repeat(Math.ceil(16_000 / words.length)).slice(
        0,
        16_000,
      );
      const sentences = Array.from(
        { length: 2048 },
        (_, i) => `sentence ${i} tells of ${i % 13} cats and ${i % 7} dogs`,
      );
      let done = 0;
      const heavy = [
        post(base, "/v1/embeddings", {
          model: "stories260k-prompteol",
          input: long,
          truncate: true,
        }).then(async (r) => {
          done++;
          return { status: r.status, text: await r.text() };
        }),
        post(base, "/v1/similarity", {
          model: "stories260k-mean",
          sentences,
          truncate: true,
        }).then(async (r) => {
          done++;
          return { status: r.status, text: await r.text() };
        }),
      ];
      await new Promise((r) => setTimeout(r, 150));
      let probes = 0;
      while (done < 2 && probes < 20) {
        const t0 = performance.now();
        const health = await fetch(`${base}/healthz`);
        await health.body?.cancel();
        const healthMs = performance.now() - t0;
        assert.equal(health.status, 200);
        assert.ok(healthMs < 200, `/healthz took ${healthMs.toFixed(0)} ms`);
        const t1 = performance.now();
        const res = await post(base, "/v1/embeddings", {
          model: "words-16",
          input: "a static sentence",
        });
        await res.body?.cancel();
        const staticMs = performance.now() - t1;
        assert.equal(res.status, 200);
        assert.ok(staticMs < 1000, `static took ${staticMs.toFixed(0)} ms`);
        probes++;
        await new Promise((r) => setTimeout(r, 100));
      }
      const [one, matrix] = await Promise.all(heavy);
      assert.equal(one.status, 200, one.text.slice(0, 300));
      assert.equal(matrix.status, 200, matrix.text.slice(0, 300));
      const m = JSON.parse(matrix.text).matrix;
      assert.equal(m.length, 2048);
      assert.equal(m[5].length, 2048);
      assert.ok(Math.abs(m[5][5] - 1) < 1e-5);
      assert.ok(probes >= 1, "the heavy requests ended before any probe");
    } finally {
      await server.shutdown();
      pool.close();
      await runtime.dispose();
    }
  },
});

Deno.test({
  name: "the pool answers like the event loop: same vectors, same typed errors",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const registry = [
      testPipeline("words-16"),
      testPipeline("missing-vectors"),
    ];
    const pool = workerPool(1, {
      registry,
      paths: testPaths,
      backend: "native",
      config: DEFAULT_SERVE_CONFIG,
    });
    const runtime = ManagedRuntime.make(servicesLayer(testPaths));
    // Once the worker is ready every request goes to it (before, a
    // random-vector pipeline may answer on the event loop).
    while (!pool.ready()) await new Promise((r) => setTimeout(r, 10));
    try {
      const pooled = createApp(
        await runtime.runPromise(
          makeEmbeddingService(registry, DEFAULT_SERVE_CONFIG, pool),
        ),
      );
      const inline = createApp(
        await runtime.runPromise(makeEmbeddingService(registry)),
      );
      const ask = (app: typeof pooled, body: unknown) =>
        app.request("/v1/embeddings", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(body),
        });
      const body = { model: "words-16", input: ["a cat", "two dogs bark"] };
      const a = await (await ask(pooled, body)).json();
      const b = await (await ask(inline, body)).json();
      assert.deepEqual(a.data, b.data);
      assert.deepEqual(a.usage, b.usage);
      const missing = await ask(pooled, {
        model: "missing-vectors",
        input: "x",
      });
      assert.equal(missing.status, 503);
      assert.equal((await missing.json()).error.code, "model_unavailable");
      const models = await (await pooled.request("/v1/models?all=true")).json();
      assert.equal(
        models.data.find((m: { id: string }) => m.id === "missing-vectors")
          .availability,
        "unavailable",
      );
      const big = await ask(pooled, {
        model: "words-16",
        input: "x",
        dimensions: 99,
      });
      assert.equal(big.status, 400);
      assert.equal((await big.json()).error.code, "pipeline_not_servable");
    } finally {
      pool.close();
      await runtime.dispose();
    }
  },
});

Deno.test({
  name: "with the pool, the deadline fires while a worker is busy: 504",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const config = { ...DEFAULT_SERVE_CONFIG, timeoutMs: 300 };
    const pool = workerPool(1, {
      registry: REGISTRY,
      paths: testPaths,
      backend: "native",
      config,
    });
    const runtime = ManagedRuntime.make(servicesLayer(testPaths));
    try {
      const app = createApp(
        await runtime.runPromise(makeEmbeddingService(REGISTRY, config, pool)),
      );
      const started = performance.now();
      const res = await app.request("/v1/similarity", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          model: "stories260k-mean",
          sentences: Array.from({ length: 2048 }, (_, i) => `sentence ${i}`),
        }),
      });
      const ms = performance.now() - started;
      assert.equal(res.status, 504, await res.clone().text());
      assert.equal((await res.json()).error.code, "timeout");
      // Generous: the point is that it is not the whole run.
      assert.ok(ms < 5000, `answered after ${ms.toFixed(0)} ms`);
    } finally {
      pool.close();
      await runtime.dispose();
    }
  },
});

Deno.test("cold start: until a worker is ready, random-vector pipelines answer on the event loop; others always wait for the pool", async () => {
  const registry = [testPipeline("words-16"), testPipeline("missing-vectors")];
  let ready = false;
  const asked: string[] = [];
  // A pool that records what it is asked and answers with a typed failure.
  const fake: WorkerPool = {
    size: 1,
    ready: () => ready,
    embed: (model) => {
      asked.push(model);
      return Promise.reject({
        error: { _tag: "PoolSaidNo", message: "from the pool" },
        loadFailed: false,
      });
    },
    load: () => Promise.resolve(16),
    close: () => {},
  };
  const runtime = ManagedRuntime.make(servicesLayer(testPaths));
  try {
    const app = createApp(
      await runtime.runPromise(
        makeEmbeddingService(registry, DEFAULT_SERVE_CONFIG, fake),
      ),
    );
    const ask = (model: string) =>
      app.request("/v1/embeddings", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model, input: "a cat" }),
      });
    const inline = await ask("words-16");
    assert.equal(inline.status, 200);
    assert.equal((await inline.json()).data[0].embedding.length, 16);
    await (await ask("missing-vectors")).body?.cancel();
    assert.deepEqual(asked, ["missing-vectors"]);
    ready = true;
    await (await ask("words-16")).body?.cancel();
    assert.deepEqual(asked, ["missing-vectors", "words-16"]);
  } finally {
    await runtime.dispose();
  }
});
