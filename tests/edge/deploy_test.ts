import assert from "node:assert/strict";
import { Effect } from "effect";
import { normalizeRows } from "../../src/serve/embedding_service.ts";
import { embedWith } from "../../mod.ts";
import { testLayer } from "../test_paths.ts";

const STATIC = "random-stems-corpus-sif";
const TRANSFORMER = "stories260k-prompteol";
const SENTENCES = ["A man is playing a guitar.", "The market fell."];

// The edge entry in a process that may read and nothing else.
const drive = async (env: Record<string, string> = {}) => {
  const run = await new Deno.Command("deno", {
    args: [
      "run",
      "--allow-read",
      "--allow-env",
      new URL("./deploy_driver.ts", import.meta.url).pathname,
      STATIC,
      TRANSFORMER,
      ...SENTENCES,
    ],
    env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(run.success, new TextDecoder().decode(run.stderr));
  return JSON.parse(new TextDecoder().decode(run.stdout));
};

Deno.test({
  name:
    "the edge entry serves static and transformer pipelines with no file write, no native addon, no subprocess",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    // What a deployment ships: the rewritten graph already in the cache.
    // As served: unit length (the pipeline does not end in l2, so the
    // server normalises).
    const expected = normalizeRows(
      await Effect.runPromise(
        embedWith(TRANSFORMER, SENTENCES).pipe(
          Effect.provide(testLayer),
        ),
      ),
    );
    const run = await drive();
    const out = run;
    assert.equal(out.health, 200);
    assert.equal(out.static.status, 200, JSON.stringify(out.static.body));
    assert.equal(out.static.body.data.length, 2);
    assert.equal(
      out.transformer.status,
      200,
      JSON.stringify(out.transformer.body),
    );
    assert.equal(out.client, 200);
    // The edge's WASM forward gives the server's onnxruntime-node vectors.
    const got = out.transformer.body.data.flatMap((
      d: { embedding: number[] },
    ) => d.embedding);
    assert.equal(got.length, expected.data.length);
    const scale = Math.max(...expected.data.map(Math.abs));
    for (let i = 0; i < got.length; i++) {
      assert.ok(
        Math.abs(got[i] - expected.data[i]) <= 1e-5 * scale,
        `component ${i}`,
      );
    }
  },
});

Deno.test({
  name:
    "on a read-only host with a cold cache, a transformer pipeline is a 503 that says how to ship the cache; static ones still serve",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    await Deno.mkdir(".cache", { recursive: true });
    const cold = await Deno.makeTempDir({ dir: ".cache", prefix: "cold-" });
    try {
      const out = await drive({ SENTEMB_CACHE: cold });
      assert.equal(out.static.status, 200);
      assert.equal(out.transformer.status, 503);
      assert.equal(out.transformer.body.error.code, "model_unavailable");
      assert.match(out.transformer.body.error.message, /SENTEMB_CACHE/);
      assert.equal(out.client, 503);
    } finally {
      await Deno.remove(cold, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "a cache filled elsewhere and copied to another folder serves the edge read-only",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    await Deno.mkdir(".cache", { recursive: true });
    const built = await Deno.makeTempDir({ dir: ".cache", prefix: "built-" });
    const shipped = `${built}-shipped`;
    try {
      const warm = await new Deno.Command("deno", {
        args: [
          "run",
          "-A",
          new URL("./warm_cache.ts", import.meta.url).pathname,
          TRANSFORMER,
        ],
        env: { SENTEMB_CACHE: built },
        stderr: "piped",
      }).output();
      assert.ok(warm.success, new TextDecoder().decode(warm.stderr));
      // A copy: another path, new modification times.
      const cp = await new Deno.Command("cp", { args: ["-r", built, shipped] })
        .output();
      assert.ok(cp.success);
      await Deno.remove(built, { recursive: true });
      const out = await drive({ SENTEMB_CACHE: shipped });
      assert.equal(
        out.transformer.status,
        200,
        JSON.stringify(out.transformer),
      );
      assert.equal(out.client, 200);
    } finally {
      await Deno.remove(built, { recursive: true }).catch(() => {});
      await Deno.remove(shipped, { recursive: true }).catch(() => {});
    }
  },
});
