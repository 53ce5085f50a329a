import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { Effect } from "effect";
import { createApp } from "../../edge/app.ts";
import { PIPELINES } from "../../pipelines/mod.ts";
import { cosine, row } from "../../src/embeddings.ts";
import { embedWith } from "../../mod.ts";
import { makeEmbeddingService } from "../../src/serve/embedding_service.ts";
import { testLayer } from "../test_paths.ts";

// Debian's Chromium, which .ci/run installs when it is missing.
const CHROMIUM = Deno.env.get("SENTEMB_CHROMIUM") ?? "/usr/bin/chromium";

const SENTENCES = [
  "A man is playing a guitar.",
  "A person plays an instrument.",
  "The stock market fell sharply today.",
];

// Drives the page in Chromium against a live server; what the page rendered.
const drive = async (model: string, env: Record<string, string> = {}) => {
  assert.ok(
    existsSync(CHROMIUM),
    `${CHROMIUM} is missing: apt-get install chromium`,
  );
  const service = await Effect.runPromise(
    makeEmbeddingService(PIPELINES).pipe(Effect.provide(testLayer)),
  );
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    createApp(service).fetch,
  );
  try {
    const driver = await new Deno.Command("deno", {
      args: [
        "run",
        "-A",
        new URL("./browser_driver.ts", import.meta.url).pathname,
        `http://127.0.0.1:${server.addr.port}/`,
        CHROMIUM,
        model,
        ...SENTENCES,
      ],
      env,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(driver.stderr);
    assert.ok(driver.success, stderr);
    return {
      ...JSON.parse(new TextDecoder().decode(driver.stdout)),
      origin: `http://127.0.0.1:${server.addr.port}`,
    } as {
      scores: number[];
      requested: string[];
      errors: string[];
      runtime: string;
      selected: string;
      sizeBefore: string;
      sizeAfter: string;
      downloadBytes: number;
      legend: string[];
      origins: string[];
      origin: string;
      workers: number;
    };
  } finally {
    await server.shutdown();
  }
};

// The rendered matrix against the same pipeline run by the library here.
const assertMatrix = async (
  model: string,
  scores: number[],
  tolerance: number,
) => {
  const v = await Effect.runPromise(
    embedWith(model, SENTENCES).pipe(Effect.provide(testLayer)),
  );
  assert.equal(scores.length, 9);
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      const expected = cosine(row(v, i), row(v, j));
      assert.ok(
        Math.abs(scores[i * 3 + j] - expected) < tolerance,
        `(${i},${j}) ${scores[i * 3 + j]} vs ${expected}`,
      );
    }
  }
};

const crossOriginThreads = (runtime: string) =>
  Number(runtime.match(/(\d+) thread/)?.[1] ?? 0);

const askedServer = (requested: string[]) =>
  requested.some((p) =>
    p.startsWith("/v1/embeddings") || p.startsWith("/v1/similarity")
  );

Deno.test({
  name:
    "the page embeds three sentences in the browser and renders their matrix",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const model = "random-stems-corpus-idf";
    const { scores, requested, errors, runtime } = await drive(model);
    assert.deepEqual(errors, []);
    assert.equal(runtime, "static");
    await assertMatrix(model, scores, 1e-6);
    assert.ok(scores[1] > scores[2], "guitar/instrument beats guitar/stocks");
    assert.ok(!askedServer(requested));
    assert.ok(requested.some((p) => p.startsWith("/artifacts/")));
  },
});

Deno.test({
  name:
    "the page runs a transformer pipeline (stories260K PromptEOL+TP) on onnxruntime-web in the browser",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const model = "stories260k-prompteol-tp";
    const { scores, requested, errors, runtime, origins, origin, workers } =
      await drive(model);
    assert.deepEqual(errors, []);
    // Everything came from this server: no CDN.
    assert.deepEqual(origins, [origin]);
    // Headless Chromium has no GPU adapter here: the WASM provider ran, on
    // every core since the page is cross-origin isolated; the threads beyond
    // the page's own are workers it really started.
    assert.match(runtime, /^onnxruntime-web \(wasm, \d+ threads?\)$/);
    const threads = crossOriginThreads(runtime);
    assert.ok(threads >= Math.min(2, navigator.hardwareConcurrency));
    assert.ok(
      workers >= threads - 1,
      `${workers} workers for ${threads} threads`,
    );
    await assertMatrix(model, scores, 1e-4);
    assert.ok(!askedServer(requested));
    assert.ok(requested.includes(`/v1/portable/${model}/files/graph.onnx`));
    assert.ok(requested.includes(`/v1/portable/${model}/files/tokenizer.bin`));
    assert.ok(requested.some((p) => p.startsWith("/assets/ort/ort-wasm")));
  },
});

Deno.test({
  name:
    "with a WebGPU adapter (SwiftShader), the page runs the transformer pipeline on onnxruntime-web's WebGPU provider",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const model = "stories260k-prompteol";
    const { scores, requested, errors, runtime, origins, origin } = await drive(
      model,
      { SENTEMB_WEBGPU: "1" },
    );
    assert.ok(!askedServer(requested));
    assert.deepEqual(errors, []);
    assert.deepEqual(origins, [origin]);
    assert.equal(runtime, "onnxruntime-web (webgpu)");
    // GPU kernels round differently from the CPU's.
    await assertMatrix(model, scores, 1e-3);
  },
});

Deno.test({
  name:
    "by default the page shows a pipeline that separates related from unrelated sentences, a colour legend and what it downloads",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const r = await drive("default");
    assert.deepEqual(r.errors, []);
    // No sentence encoder's weights here: the stems pipeline is the default.
    assert.equal(r.selected, "random-stems-corpus-sif");
    await assertMatrix(r.selected, r.scores, 1e-6);
    const [, related, unrelatedA, , , unrelatedB] = r.scores;
    assert.ok(
      related > unrelatedA + 0.15 && related > unrelatedB + 0.15,
      `related ${related}, unrelated ${unrelatedA} and ${unrelatedB}`,
    );
    // Both halves of the legend are drawn with the cells' colours.
    assert.equal(r.legend.length, 2);
    for (const bar of r.legend) assert.match(bar, /linear-gradient/);
    // The size shown before is the artifact's; after, what was fetched.
    const artifact = r.requested.find((p) => p.startsWith("/artifacts/"));
    assert.ok(artifact, r.requested.join(" "));
    assert.match(r.sizeBefore, /will download about [\d.]+ MB/);
    assert.ok(r.downloadBytes > 0);
    assert.match(r.sizeAfter, /downloaded [\d.]+ MB/);
  },
});

Deno.test({
  name:
    "the page's download size for a transformer counts onnxruntime-web's WASM binary",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const model = "stories260k-prompteol";
    const r = await drive(model);
    assert.deepEqual(r.errors, []);
    // The HEAD asking its size, and the download: one file.
    const wasm = [
      ...new Set(
        r.requested.filter((p) =>
          p.startsWith("/assets/ort/") && p.endsWith(".wasm")
        ),
      ),
    ];
    assert.equal(wasm.length, 1, r.requested.join(" "));
    const wasmBytes = Deno.statSync(
      new URL(
        `../../node_modules/onnxruntime-web/dist/${wasm[0].slice(12)}`,
        import.meta.url,
      ),
    ).size;
    // The model's files (about 1 MB) and the WASM binary (tens of MB).
    assert.ok(
      r.downloadBytes > wasmBytes + 1_000_000,
      `${r.downloadBytes} bytes downloaded, WASM binary ${wasmBytes}`,
    );
    assert.match(r.sizeBefore, /will download about [\d.]+ MB/);
    const before = Number(r.sizeBefore.match(/about ([\d.]+) MB/)![1]) * 1e6;
    // The estimate shown before is within 5% of what was fetched.
    assert.ok(
      Math.abs(before - r.downloadBytes) < 0.05 * r.downloadBytes,
      `shown ${before}, fetched ${r.downloadBytes}`,
    );
    assert.match(r.sizeAfter, /onnxruntime-web [\d.]+ MB of it/);
  },
});
