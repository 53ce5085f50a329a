/**
 * The server of a `nats://HOST:PORT` reference (`HOST:PORT`, port 4222 when
 * left out); undefined when it is no NATS URL.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { natsServer } from "./queue_url.ts";
 *
 * assert.equal(natsServer("nats://10.0.0.5:4222"), "10.0.0.5:4222");
 * assert.equal(natsServer("nats://queue.local"), "queue.local:4222");
 * assert.equal(natsServer("redis://x"), undefined);
 * ```
 */
export const natsServer = (ref: string): string | undefined => {
  const m = ref.match(/^nats:\/\/([^/:\s]+)(?::(\d+))?\/?$/);
  return m === null ? undefined : `${m[1]}:${m[2] ?? "4222"}`;
};
