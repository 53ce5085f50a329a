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

Deno.test({
  name:
    "the page embeds three sentences in the browser and renders their matrix",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    assert.ok(
      existsSync(CHROMIUM),
      `${CHROMIUM} is missing: apt-get install chromium`,
    );
    const service = await Effect.runPromise(
      makeEmbeddingService(PIPELINES).pipe(
        Effect.provide(testLayer),
      ),
    );
    const server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen: () => {} },
      createApp(service).fetch,
    );
    const sentences = [
      "A man is playing a guitar.",
      "A person plays an instrument.",
      "The stock market fell sharply today.",
    ];
    try {
      const driver = await new Deno.Command("deno", {
        args: [
          "run",
          "-A",
          new URL("./browser_driver.ts", import.meta.url).pathname,
          `http://127.0.0.1:${server.addr.port}/`,
          CHROMIUM,
          "random-stems-corpus-idf",
          ...sentences,
        ],
        stdout: "piped",
        stderr: "piped",
      }).output();
      const stderr = new TextDecoder().decode(driver.stderr);
      assert.ok(driver.success, stderr);
      const { scores, requested, errors } = JSON.parse(
        new TextDecoder().decode(driver.stdout),
      ) as { scores: number[]; requested: string[]; errors: string[] };
      assert.deepEqual(errors, []);
      // The same pipeline on the server side, through the library.
      const v = await Effect.runPromise(
        embedWith(PIPELINES, "random-stems-corpus-idf", sentences).pipe(
          Effect.provide(testLayer),
        ),
      );
      assert.equal(scores.length, 9);
      for (let i = 0; i < 3; i++) {
        for (let j = 0; j < 3; j++) {
          const expected = cosine(row(v, i), row(v, j));
          assert.ok(
            Math.abs(scores[i * 3 + j] - expected) < 1e-6,
            `(${i},${j}) ${scores[i * 3 + j]} vs ${expected}`,
          );
        }
      }
      assert.ok(scores[1] > scores[2], "guitar/instrument beats guitar/stocks");
      assert.ok(
        !requested.some((p) =>
          p.startsWith("/v1/embeddings") || p.startsWith("/v1/similarity")
        ),
      );
      assert.ok(requested.some((p) => p.startsWith("/artifacts/")));
    } finally {
      await server.shutdown();
    }
  },
});
