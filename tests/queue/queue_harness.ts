/**
 * What the queue tests share: a `nats-server -js` of their own (or a skip,
 * or a failure where one is required), and the CLI run as a subprocess with
 * the test task's permissions. Importing it does nothing: each test file
 * still imports `../temp_cache.ts` itself.
 * @module
 */

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

/**
 * A test that needs a server: skipped without one (see
 * {@link skipWithoutNats}); `fn` gets a fresh server, stopped after it.
 */
export const natsTest = (
  name: string,
  fn: (server: NatsServer) => Promise<void>,
): void =>
  Deno.test({
    name,
    ignore: skipWithoutNats(),
    fn: async () => {
      const server = await startNatsServer();
      try {
        await fn(server);
      } finally {
        await server.stop();
      }
    },
  });

const root = new URL("../../", import.meta.url).pathname;

/** The test task's permissions, which the CLI subprocesses run with. */
export const PERMS: readonly string[] = [
  "--allow-read",
  "--allow-env",
  "--allow-write=.cache,/tmp",
  "--allow-sys",
  "--allow-ffi",
  "--allow-net=127.0.0.1",
];

/** `deno run` of `script` (from the repository root) with `args`, piped. */
export const cli = (script: string, args: string[]): Deno.Command =>
  new Deno.Command(Deno.execPath(), {
    args: ["run", ...PERMS, script, ...args],
    cwd: root,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  });

/** UTF-8 text of a subprocess's output. */
export const text = (b: Uint8Array): string => new TextDecoder().decode(b);

/** Runs a command to its end: its exit code and output as text. */
export const output = async (
  c: Deno.Command,
): Promise<{ code: number; stdout: string; stderr: string }> => {
  const out = await c.output();
  return { code: out.code, stdout: text(out.stdout), stderr: text(out.stderr) };
};

/** SIGKILLs the subprocesses still running and waits for them all. */
export const killAll = async (children: Deno.ChildProcess[]): Promise<void> => {
  for (const c of children) {
    try {
      c.kill("SIGKILL");
    } catch { /* exited */ }
    await c.status;
  }
};

/** `ingest submit`'s arguments: `input` to the queue at `url`, then `more`. */
export const submitArgs = (
  url: string,
  input: string,
  ...more: string[]
): string[] => ["submit", "--queue", url, "--input", input, ...more];
