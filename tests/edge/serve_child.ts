/**
 * `deno task serve` (or another task) as deno.json declares it, started as a
 * child process: the tests that need the real server and its real flags.
 */
import assert from "node:assert/strict";

const ROOT = new URL("../../", import.meta.url).pathname;

/** A task's `deno` arguments, as deno.json declares them. */
const taskArgs = (name: string): string[] => {
  const tasks = JSON.parse(Deno.readTextFileSync(`${ROOT}deno.json`)).tasks;
  const [deno, ...args] = (tasks[name].command as string).split(/\s+/);
  assert.equal(deno, "deno");
  return args;
};

/** A running server: its port, what it printed until it listened, a stop. */
export interface ServeChild {
  readonly port: string;
  /** The server's process id (to read its /proc status). */
  readonly pid: number;
  readonly log: string;
  /** Stops it (SIGTERM) and waits for it. */
  stop(): Promise<void>;
}

/**
 * Starts `deno task serve` with `args` (after the task's own) and waits,
 * up to a minute, for its "serving on" line; the port is the one it printed.
 */
export const startServe = async (
  args: ReadonlyArray<string>,
  env: Record<string, string> = {},
): Promise<ServeChild> => {
  const child = new Deno.Command(Deno.execPath(), {
    args: [...taskArgs("serve"), ...args],
    cwd: ROOT,
    env,
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const reader = child.stderr.pipeThrough(new TextDecoderStream())
    .getReader();
  const stop = async () => {
    child.kill("SIGTERM");
    await child.status;
    await reader.cancel().catch(() => {});
  };
  let log = "";
  let port: string | undefined;
  const deadline = Date.now() + 60_000;
  while (!port && Date.now() < deadline) {
    const { value, done } = await reader.read();
    if (done) break;
    log += value;
    port = log.match(/serving on http:\/\/127\.0\.0\.1:(\d+)/)?.[1];
  }
  if (!port) {
    await stop();
    assert.fail(`no listening line in: ${log}`);
  }
  return { port, pid: child.pid, log, stop };
};
