import "../temp_cache.ts";

/**
 * A `nats-server -js` of a test's own: a free 127.0.0.1 port, a temporary
 * store, stopped (and the store removed) by `stop`. The binary is
 * `$SENTEMB_NATS_SERVER`, else `nats-server` on PATH or in /usr/sbin (where
 * Debian puts it: `apt-get install nats-server`).
 */
export interface NatsServer {
  /** `nats://127.0.0.1:PORT`. */
  readonly url: string;
  stop(): Promise<void>;
}

const runs = (bin: string): boolean => {
  try {
    return new Deno.Command(bin, { args: ["--version"], stdout: "null" })
      .outputSync().success;
  } catch {
    return false;
  }
};

/** The nats-server binary, undefined when there is none. */
export const natsServerBinary = (): string | undefined =>
  [
    Deno.env.get("SENTEMB_NATS_SERVER"),
    "nats-server",
    "/usr/sbin/nats-server",
  ].find((b) => b !== undefined && runs(b));

/**
 * Whether the queue tests must run: on CI (`scripts/run.sh` sets
 * `SENTEMB_REQUIRE_NATS`, having installed nats-server), a missing server
 * fails them instead of skipping them.
 */
export const natsRequired = (): boolean =>
  Deno.env.get("SENTEMB_REQUIRE_NATS") === "1" ||
  Deno.env.get("CI") !== undefined;

/** Whether to skip: no nats-server here and none required. */
export const skipWithoutNats = (): boolean => {
  if (natsServerBinary() !== undefined) return false;
  if (natsRequired()) {
    throw new Error(
      "the queue tests need nats-server (JetStream): `apt-get install " +
        "nats-server`, or set SENTEMB_NATS_SERVER=/path/to/nats-server",
    );
  }
  console.error("queue tests skipped: no nats-server here");
  return true;
};

const freePort = (): number => {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
};

/** Starts a server and waits until it takes connections. */
export const startNatsServer = async (): Promise<NatsServer> => {
  const bin = natsServerBinary();
  if (bin === undefined) {
    throw new Error("no nats-server (see skipWithoutNats)");
  }
  const store = await Deno.makeTempDir({ prefix: "sentemb-nats-" });
  const port = freePort();
  const child = new Deno.Command(bin, {
    args: ["-js", "-a", "127.0.0.1", "-p", String(port), "-sd", store],
    stdout: "null",
    stderr: "null",
  }).spawn();
  const stop = async () => {
    try {
      child.kill("SIGTERM");
    } catch { /* already gone */ }
    await child.status;
    await Deno.remove(store, { recursive: true }).catch(() => {});
  };
  for (let i = 0; i < 100; i++) {
    try {
      (await Deno.connect({ hostname: "127.0.0.1", port })).close();
      return { url: `nats://127.0.0.1:${port}`, stop };
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  await stop();
  throw new Error(`nats-server did not listen on 127.0.0.1:${port}`);
};
