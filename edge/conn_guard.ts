/**
 * A TCP front for `Deno.serve`, which has no header read timeout, no idle
 * timeout and no connection cap (Deno 2.9: a connection that sends half a
 * request line stays open for good, and each one holds hyper's buffers).
 *
 * The front accepts the connections itself and reads each request's head
 * (request line and headers, at most `maxHeaderBytes`) into a buffer of its
 * own; only once the head is complete within `headerTimeoutMs` does it open a
 * loopback connection to the inner `Deno.serve` and forward the bytes both
 * ways. A connection that dribbles its headers therefore never reaches the
 * HTTP server, costs a few kilobytes, and is closed at its deadline. It
 * follows `Content-Length` to find where each request on a keep-alive
 * connection ends, so every request's head has its own deadline (a chunked
 * body makes the rest of the connection opaque: only the idle timeout then
 * applies). The body's own deadline (408) is the app's; the front closes a
 * connection whose body is still arriving after the app answered.
 */

/** Limits of the connection front. */
export interface GuardOptions {
  /** Where clients connect. */
  readonly hostname: string;
  readonly port: number;
  /** The inner HTTP server, on loopback. */
  readonly upstreamPort: number;
  /** Longest a request's head (request line and headers) may take to arrive. */
  readonly headerTimeoutMs: number;
  /**
   * A body must arrive within this; the app answers 408 at this deadline.
   * The front closes a connection whose body is still arriving at this
   * deadline when the app already answered (a 429: hyper goes on draining
   * the body), or at three times it when the app did not.
   */
  readonly bodyTimeoutMs: number;
  /** A connection with no bytes either way for this long is closed. */
  readonly idleTimeoutMs: number;
  /** Connections open at once; those above get a 503 and are closed. */
  readonly maxConnections: number;
  /** Size cap of a request's head (431 above). */
  readonly maxHeaderBytes: number;
}

/** A running connection front. */
export interface Guard {
  readonly port: number;
  /** Connections open now. */
  readonly open: () => number;
  /** Connections the front closed for a header or idle timeout. */
  readonly timedOut: () => number;
  readonly close: () => void;
}

interface ConnState {
  readonly conn: Deno.TcpConn;
  upstream: Deno.TcpConn | undefined;
  /** When the pending head started (its first byte, or the connection). */
  headSince: number | undefined;
  /** When the pending body started. */
  bodySince: number | undefined;
  /** Last byte either way. */
  last: number;
  closed: boolean;
  /**
   * The inner server stopped reading (it answered early, a 429 or a 408):
   * what the client still sends is dropped, and the answer travels back
   * before the connection closes.
   */
  upstreamDone: boolean;
  /** The inner server has answered since the current head completed. */
  answered: boolean;
}

const CRLFCRLF = [13, 10, 13, 10];
const encoder = new TextEncoder();

const writeAll = async (conn: Deno.Conn, bytes: Uint8Array) => {
  let off = 0;
  while (off < bytes.length) off += await conn.write(bytes.subarray(off));
};

const plainAnswer = (status: string, message: string) =>
  encoder.encode(
    `HTTP/1.1 ${status}\r\ncontent-type: application/json\r\nconnection: close\r\ncontent-length: ${
      JSON.stringify({ error: { message } }).length
    }\r\n\r\n${JSON.stringify({ error: { message } })}`,
  );

// Index just past the blank line ending a head, or -1; searches from `from`.
const headEnd = (buf: Uint8Array, length: number, from: number) => {
  for (let i = Math.max(0, from - 3); i + 3 < length; i++) {
    if (
      buf[i] === CRLFCRLF[0] && buf[i + 1] === CRLFCRLF[1] &&
      buf[i + 2] === CRLFCRLF[2] && buf[i + 3] === CRLFCRLF[3]
    ) return i + 4;
  }
  return -1;
};

// What follows a head: a body of known length, or something the front does
// not follow (chunked).
const bodyOf = (head: string): number | "opaque" => {
  if (/^transfer-encoding:/im.test(head)) return "opaque";
  const length = head.match(/^content-length:\s*(\d+)\s*$/im)?.[1];
  return length === undefined ? 0 : Number(length);
};

/** Starts the front; connections are forwarded to 127.0.0.1:`upstreamPort`. */
export const guardConnections = (options: GuardOptions): Guard => {
  const listener = Deno.listen({
    hostname: options.hostname,
    port: options.port,
  });
  const states = new Set<ConnState>();
  let timedOut = 0;

  const shut = (s: ConnState) => {
    if (s.closed) return;
    s.closed = true;
    states.delete(s);
    try {
      s.conn.close();
    } catch { /* already closed */ }
    try {
      s.upstream?.close();
    } catch { /* already closed */ }
  };

  // One sweep for all connections rather than a timer each.
  const tick = Math.max(
    20,
    Math.min(options.headerTimeoutMs, options.idleTimeoutMs) / 4,
  );
  const sweep = setInterval(() => {
    const now = Date.now();
    for (const s of states) {
      const headLate = s.headSince !== undefined &&
        now - s.headSince > options.headerTimeoutMs;
      // A body still arriving after the app answered (a 429, a 413) is
      // not wanted: closed at the body deadline. One the app has not
      // answered gets its 408 from the app; closed at three times the
      // deadline should that not come.
      const bodyLate = s.bodySince !== undefined &&
        now - s.bodySince >
          (s.answered ? 1 : 3) * options.bodyTimeoutMs;
      if (headLate || bodyLate || now - s.last > options.idleTimeoutMs) {
        timedOut++;
        shut(s);
      }
    }
  }, tick);

  // Answers travel back untouched; when the inner server closes, so does the
  // client's connection.
  const pump = async (s: ConnState, upstream: Deno.Conn) => {
    const buf = new Uint8Array(64 * 1024);
    try {
      while (true) {
        const n = await upstream.read(buf);
        if (n === null) break;
        s.last = Date.now();
        s.answered = true;
        await writeAll(s.conn, buf.subarray(0, n));
      }
    } catch { /* either side went away */ }
    shut(s);
  };

  const forward = async (s: ConnState, bytes: Uint8Array) => {
    if (s.upstreamDone) return;
    try {
      await writeAll(s.upstream!, bytes);
    } catch {
      s.upstreamDone = true;
    }
  };

  const handle = async (s: ConnState) => {
    const buf = new Uint8Array(16 * 1024);
    let head = new Uint8Array(1024);
    let headLength = 0;
    let mode: "head" | "body" | "opaque" = "head";
    let remaining = 0;
    try {
      while (!s.closed) {
        const n = await s.conn.read(buf);
        if (n === null) {
          await s.upstream?.closeWrite().catch(() => {});
          if (!s.upstream) shut(s);
          return;
        }
        s.last = Date.now();
        let chunk = buf.subarray(0, n);
        while (chunk.length > 0) {
          if (mode === "opaque") {
            await forward(s, chunk);
            break;
          }
          if (mode === "body") {
            const take = Math.min(remaining, chunk.length);
            await forward(s, chunk.subarray(0, take));
            remaining -= take;
            chunk = chunk.subarray(take);
            if (remaining === 0) {
              mode = "head";
              s.bodySince = undefined;
            }
            continue;
          }
          // Head: gather up to the cap, then forward it whole.
          s.headSince ??= Date.now();
          const room = options.maxHeaderBytes - headLength;
          const take = Math.min(room, chunk.length);
          if (headLength + take > head.length) {
            const grown = new Uint8Array(
              Math.min(
                options.maxHeaderBytes,
                Math.max(head.length * 2, headLength + take),
              ),
            );
            grown.set(head.subarray(0, headLength));
            head = grown;
          }
          head.set(chunk.subarray(0, take), headLength);
          const before = headLength;
          headLength += take;
          const end = headEnd(head, headLength, before);
          if (end < 0) {
            if (headLength >= options.maxHeaderBytes) {
              await writeAll(
                s.conn,
                plainAnswer(
                  "431 Request Header Fields Too Large",
                  `request head over ${options.maxHeaderBytes} bytes`,
                ),
              ).catch(() => {});
              shut(s);
              return;
            }
            chunk = chunk.subarray(take);
            continue;
          }
          // The head is complete: past its deadline's reach.
          s.headSince = undefined;
          s.answered = false;
          const body = bodyOf(
            new TextDecoder().decode(head.subarray(0, end)),
          );
          if (!s.upstream) {
            const upstream = await Deno.connect({
              hostname: "127.0.0.1",
              port: options.upstreamPort,
            });
            upstream.setNoDelay(true);
            s.upstream = upstream;
            pump(s, upstream);
          }
          // The head goes in one write with whatever of its body (or the
          // whole rest, when opaque) came in the same read: small requests
          // cross in a single segment.
          const rest = chunk.subarray(take - (headLength - end));
          const inBody = body === "opaque"
            ? rest.length
            : Math.min(body, rest.length);
          const first = new Uint8Array(end + inBody);
          first.set(head.subarray(0, end));
          first.set(rest.subarray(0, inBody), end);
          chunk = rest.subarray(inBody);
          headLength = 0;
          if (head.length > 4096) head = new Uint8Array(1024);
          if (body === "opaque") mode = "opaque";
          else if (body > inBody) {
            mode = "body";
            remaining = body - inBody;
            s.bodySince = Date.now();
          }
          await forward(s, first);
        }
      }
    } catch { /* either side went away */ }
    shut(s);
  };

  const accept = async () => {
    try {
      for await (const conn of listener) {
        if (states.size >= options.maxConnections) {
          writeAll(
            conn,
            plainAnswer(
              "503 Service Unavailable",
              `over ${options.maxConnections} connections open`,
            ),
          ).catch(() => {}).finally(() => {
            try {
              conn.close();
            } catch { /* gone */ }
          });
          continue;
        }
        conn.setNoDelay(true);
        const now = Date.now();
        const s: ConnState = {
          conn,
          upstream: undefined,
          headSince: now,
          bodySince: undefined,
          last: now,
          closed: false,
          upstreamDone: false,
          answered: false,
        };
        states.add(s);
        handle(s);
      }
    } catch { /* listener closed */ }
  };
  accept();

  return {
    port: (listener.addr as Deno.NetAddr).port,
    open: () => states.size,
    timedOut: () => timedOut,
    close: () => {
      clearInterval(sweep);
      listener.close();
      for (const s of states) shut(s);
    },
  };
};
