import "../temp_cache.ts";
import assert from "node:assert/strict";
import { startServe } from "./serve_child.ts";

const HEADER_TIMEOUT_MS = 1500;
const BODY_TIMEOUT_MS = 1500;
const encoder = new TextEncoder();

// /proc is gated behind --allow-all; `cat` needs only --allow-run.
const procStatusKiB = async (pid: number, field: "VmRSS" | "VmHWM") => {
  const out = await new Deno.Command("cat", { args: [`/proc/${pid}/status`] })
    .output();
  const status = new TextDecoder().decode(out.stdout);
  return Number(
    status.match(new RegExp(`^${field}:\\s+(\\d+) kB$`, "m"))?.[1] ?? NaN,
  );
};

// Resolves when the server closes the connection: with the bytes it sent.
const closedByServer = async (conn: Deno.Conn) => {
  const buf = new Uint8Array(4096);
  let got = "";
  try {
    while (true) {
      const n = await conn.read(buf);
      if (n === null) break;
      got += new TextDecoder().decode(buf.subarray(0, n));
    }
  } catch { /* reset: closed too */ }
  return got;
};

/**
 * The slow-loris case against the real server (`edge/serve.ts` as a
 * child process): 500 connections, half sending their headers a byte at a
 * time and never finishing them, half declaring a 2 MB body and sending one
 * byte of it now and then. The server stays under 400 MB, answers /healthz
 * meanwhile, and closes every one of them at its read deadline.
 */
Deno.test({
  name:
    "500 slow connections: RSS under 400 MB, /healthz answers, the read timeouts close them",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const { port, pid, stop } = await startServe([
      "--port=0",
      "--workers=0",
      `--header-timeout-ms=${HEADER_TIMEOUT_MS}`,
      `--body-timeout-ms=${BODY_TIMEOUT_MS}`,
      "--idle-timeout-ms=20000",
    ]);
    const conns: Deno.Conn[] = [];
    const dribblers: Array<ReturnType<typeof setInterval>> = [];
    try {
      const base = `http://127.0.0.1:${port}`;
      assert.equal((await fetch(`${base}/healthz`)).status, 200);

      // 250 never-finished heads, 250 bodies of 2 MB declared, 1 byte sent.
      const opened = Date.now();
      for (let i = 0; i < 500; i++) {
        const conn = await Deno.connect({
          hostname: "127.0.0.1",
          port: Number(port),
        });
        conns.push(conn);
        await conn.write(encoder.encode(
          i % 2 === 0
            ? "POST /v1/embeddings HTTP/1.1\r\nHost: x\r\n"
            : "POST /v1/embeddings HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\ncontent-length: 2000000\r\n\r\n{",
        ));
      }
      const closings = conns.map(async (conn, i) => {
        const answer = await closedByServer(conn);
        return { i, ms: Date.now() - opened, answer };
      });
      // A byte every 400 ms on each: never idle, never complete.
      for (const [i, conn] of conns.entries()) {
        dribblers.push(setInterval(() => {
          conn.write(encoder.encode(i % 2 === 0 ? "x" : " ")).catch(() => {});
        }, 400));
      }

      // Meanwhile the server answers.
      await new Promise((r) => setTimeout(r, 500));
      const t0 = performance.now();
      const health = await fetch(`${base}/healthz`);
      await health.body?.cancel();
      const healthMs = performance.now() - t0;
      assert.equal(health.status, 200);
      // Generous: the point is that it answers while 500 connections hang.
      assert.ok(healthMs < 5000, `/healthz took ${healthMs} ms`);
      const rssMiB = (await procStatusKiB(pid, "VmRSS")) / 1024;

      const closed = await Promise.all(closings);
      for (const d of dribblers) clearInterval(d);
      const peakMiB = (await procStatusKiB(pid, "VmHWM")) / 1024;
      assert.ok(rssMiB < 400, `RSS with 500 slow connections: ${rssMiB} MiB`);
      assert.ok(peakMiB < 400, `peak RSS: ${peakMiB} MiB`);
      // Every connection was closed by its deadline (plus the sweep's tick,
      // and slack for a loaded machine), not by the idle timeout (20 s).
      const latest = Math.max(...closed.map((c) => c.ms));
      assert.ok(latest < 10_000, `last connection closed after ${latest} ms`);
      // Heads that never finished get no answer; bodies get 408 or 429
      // (only so many bodies are read at once) in the OpenAI error shape.
      for (const { i, answer } of closed) {
        if (i % 2 === 0) assert.equal(answer, "", `head ${i}: ${answer}`);
        else {
          assert.match(
            answer,
            /^HTTP\/1\.1 (408|429) /,
            `body ${i}: [${answer}]`,
          );
          assert.match(answer, /"error":\{/);
        }
      }
      assert.ok(
        closed.some(({ i, answer }) => i % 2 === 1 && / 408 /.test(answer)),
      );
      console.log(
        `/healthz ${healthMs.toFixed(0)} ms; RSS ${rssMiB.toFixed(0)} MiB, ` +
          `peak ${peakMiB.toFixed(0)} MiB; last closed at ${latest} ms`,
      );
      // And it still serves afterwards.
      assert.equal((await fetch(`${base}/healthz`)).status, 200);
    } finally {
      for (const d of dribblers) clearInterval(d);
      for (const conn of conns) {
        try {
          conn.close();
        } catch { /* closed by the server */ }
      }
      await stop();
    }
  },
});
