import "../temp_cache.ts";
import assert from "node:assert/strict";

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
    const tasks = JSON.parse(Deno.readTextFileSync(`${ROOT}deno.json`)).tasks;
    const [deno, ...args] = (tasks.serve.command as string).split(/\s+/);
    assert.equal(deno, "deno");
    const cache = `.cache/serve-task-${crypto.randomUUID().slice(0, 8)}`;
    const child = new Deno.Command(Deno.execPath(), {
      args: [...args, "--port=0"],
      cwd: ROOT,
      env: { SENTEMB_CACHE: cache },
      stdout: "null",
      stderr: "piped",
    }).spawn();
    const reader = child.stderr.pipeThrough(new TextDecoderStream())
      .getReader();
    try {
      let log = "";
      let port: string | undefined;
      const deadline = Date.now() + 60_000;
      while (!port && Date.now() < deadline) {
        const { value, done } = await reader.read();
        if (done) break;
        log += value;
        port = log.match(/serving on http:\/\/127\.0\.0\.1:(\d+)/)?.[1];
      }
      assert.ok(port, `no listening line in: ${log}`);
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
      child.kill("SIGTERM");
      await child.status;
      await reader.cancel().catch(() => {});
      await Deno.remove(`${ROOT}${cache}`, { recursive: true }).catch(
        () => {},
      );
    }
  },
});
