/**
 * Reads a request body chunk by chunk into a buffer that grows with what has
 * arrived, never with what the client declared: `Request.arrayBuffer()` in
 * Deno.serve sizes its buffer by `Content-Length` up front, so a client that
 * declares 2 MB and sends one byte held 2 MB of the server's memory until the
 * deadline. At most `max` bytes are kept (past them the read stops: "too
 * large"), and the whole body must arrive within `timeoutMs` ("late").
 */
export const readBodyCapped = async (
  body: ReadableStream<Uint8Array> | null,
  max: number,
  timeoutMs: number,
): Promise<Uint8Array | "too large" | "late"> => {
  if (body === null) return new Uint8Array(0);
  const reader = body.getReader();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<"late">((resolve) => {
    timer = setTimeout(() => resolve("late"), timeoutMs);
  });
  let buf = new Uint8Array(0);
  let length = 0;
  try {
    while (true) {
      const next = await Promise.race([reader.read(), late]);
      if (next === "late") {
        reader.cancel().catch(() => {});
        return "late";
      }
      if (next.done) break;
      const value = next.value;
      if (length + value.length > max) {
        reader.cancel().catch(() => {});
        return "too large";
      }
      if (length + value.length > buf.length) {
        // Doubling keeps the copies linear; the arrived size bounds it.
        const grown = new Uint8Array(
          Math.min(max, Math.max(1024, buf.length * 2, length + value.length)),
        );
        grown.set(buf.subarray(0, length));
        buf = grown;
      }
      buf.set(value, length);
      length += value.length;
    }
  } finally {
    clearTimeout(timer);
  }
  return buf.subarray(0, length);
};
