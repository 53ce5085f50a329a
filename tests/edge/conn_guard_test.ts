import "../temp_cache.ts";
import assert from "node:assert/strict";
import { guardConnections } from "../../edge/conn_guard.ts";

const encoder = new TextEncoder();

// An echo server behind the front: answers each request with its body.
const withGuard = async (
  limits: { headerTimeoutMs: number; maxConnections: number },
  body: (port: number) => Promise<void>,
) => {
  const inner = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async (req) => new Response(await req.text()),
  );
  const guard = guardConnections({
    hostname: "127.0.0.1",
    port: 0,
    upstreamPort: inner.addr.port,
    bodyTimeoutMs: 5_000,
    idleTimeoutMs: 20_000,
    maxHeaderBytes: 8 * 1024,
    ...limits,
  });
  try {
    await body(guard.port);
  } finally {
    guard.close();
    await inner.shutdown();
  }
};

const readAll = async (conn: Deno.Conn) => {
  const buf = new Uint8Array(4096);
  let got = "";
  try {
    while (true) {
      const n = await conn.read(buf);
      if (n === null) break;
      got += new TextDecoder().decode(buf.subarray(0, n));
    }
  } catch { /* reset */ }
  return got;
};

Deno.test("the front forwards keep-alive requests whose heads and bodies arrive in pieces, pipelined", async () => {
  await withGuard(
    { headerTimeoutMs: 2_000, maxConnections: 8 },
    async (port) => {
      const conn = await Deno.connect({ hostname: "127.0.0.1", port });
      const first =
        "POST /a HTTP/1.1\r\nHost: x\r\ncontent-length: 5\r\n\r\nhello";
      const second =
        "POST /b HTTP/1.1\r\nHost: x\r\ncontent-length: 5\r\nconnection: close\r\n\r\nworld";
      // Byte by byte across the head/body boundary, then the rest pipelined.
      for (const ch of first.slice(0, 50)) {
        await conn.write(encoder.encode(ch));
      }
      await conn.write(encoder.encode(first.slice(50) + second));
      const answer = await readAll(conn);
      conn.close();
      const bodies = answer.split(/HTTP\/1\.1 200 OK/).slice(1).map((r) =>
        r.split("\r\n\r\n")[1]
      );
      assert.deepEqual(bodies, ["hello", "world"]);
    },
  );
});

Deno.test("the front closes a head that does not arrive in time, and refuses connections over its cap", async () => {
  await withGuard({ headerTimeoutMs: 300, maxConnections: 2 }, async (port) => {
    const slow = await Deno.connect({ hostname: "127.0.0.1", port });
    await slow.write(encoder.encode("GET / HTTP/1.1\r\nHost: x\r\n"));
    const other = await Deno.connect({ hostname: "127.0.0.1", port });
    // The third connection is over the cap of two.
    const over = await Deno.connect({ hostname: "127.0.0.1", port });
    assert.match(await readAll(over), /^HTTP\/1\.1 503 /);
    over.close();
    // The slow head is closed without an answer; so is the idle one,
    // whose head never started.
    assert.equal(await readAll(slow), "");
    assert.equal(await readAll(other), "");
    slow.close();
    other.close();
  });
});
