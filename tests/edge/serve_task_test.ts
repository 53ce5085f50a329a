import "../temp_cache.ts";
import assert from "node:assert/strict";
import { startServe } from "./serve_child.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

/**
 * `deno task serve` exactly as deno.json declares it, on a cache folder that
 * does not exist yet (a fresh clone): a transformer pipeline whose files are
 * present must serve, which needs the task to be allowed to write its cache.
 */
Deno.test({
  name:
    "deno task serve on a fresh cache serves a transformer pipeline whose files are present",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const cache = `.cache/serve-task-${crypto.randomUUID().slice(0, 8)}`;
    const { port, stop } = await startServe(["--port=0"], {
      SENTEMB_CACHE: cache,
    });
    try {
      const res = await fetch(`http://127.0.0.1:${port}/v1/embeddings`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          model: "stories260k-prompteol",
          input: ["A man plays a guitar."],
        }),
      });
      const body = await res.text();
      assert.equal(res.status, 200, body);
      assert.equal(JSON.parse(body).data[0].embedding.length, 64);
      // The rewritten graph landed in the fresh cache.
      const written = [...Deno.readDirSync(`${ROOT}${cache}`)];
      assert.ok(written.length > 0);
    } finally {
      await stop();
      await Deno.remove(`${ROOT}${cache}`, { recursive: true }).catch(
        () => {},
      );
    }
  },
});
