import type { ConfigName } from "./configs.ts";
import { REPLY, type Reply } from "./protocol.ts";
import type { WorkloadOptions } from "./workload.ts";

// The worker's permissions: those of `deno task bench` less --allow-run.
const FLAGS = [
  "--allow-read",
  "--allow-env",
  "--allow-write=.cache",
  "--allow-sys",
  "--allow-ffi",
];

/** A running worker: send it a command, await its reply. */
export interface WorkerClient {
  readonly name: ConfigName;
  readonly pid: number;
  readonly loadMs: number;
  /** The workload's batch count and tokens, as the worker derived them. */
  readonly units: number;
  readonly tokens: number;
  readonly shapes: ReadonlyArray<readonly [number, number]>;
  ask(command: string): Promise<Reply>;
  /** Its peak resident memory so far (VmHWM), in MiB. */
  peakMiB(): Promise<number>;
  quit(): Promise<void>;
}

// Deno gates /proc behind --allow-all; `cat` needs only --allow-run.
const peakMiB = async (pid: number): Promise<number> => {
  const out = await new Deno.Command("cat", { args: [`/proc/${pid}/status`] })
    .output();
  const status = new TextDecoder().decode(out.stdout);
  return Number(status.match(/^VmHWM:\s+(\d+) kB$/m)?.[1] ?? NaN) / 1024;
};

/** Starts configuration `name` in a child process and waits until it has loaded. */
export const startWorker = async (
  name: ConfigName,
  w: WorkloadOptions,
): Promise<WorkerClient> => {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      ...FLAGS,
      new URL("./worker.ts", import.meta.url).pathname,
      name,
      String(w.sentences),
      String(w.wasmSentences),
    ],
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const stdin = child.stdin.getWriter();
  const replies: Reply[] = [];
  const waiting: Array<(r: Reply) => void> = [];
  const deliver = (r: Reply) => {
    const wake = waiting.shift();
    if (wake) wake(r);
    else replies.push(r);
  };
  (async () => {
    let pending = "";
    for await (
      const chunk of child.stdout.pipeThrough(new TextDecoderStream())
    ) {
      pending += chunk;
      let nl: number;
      while ((nl = pending.indexOf("\n")) >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        if (line.startsWith(REPLY)) {
          deliver(JSON.parse(line.slice(REPLY.length)));
        }
      }
    }
    deliver({ error: `worker ${name} exited` });
  })();
  const next = (): Promise<Reply> => {
    const r = replies.shift();
    return r ? Promise.resolve(r) : new Promise((ok) => waiting.push(ok));
  };
  const checked = async (): Promise<Reply> => {
    const r = await next();
    if (r.error !== undefined) throw new Error(`${name}: ${r.error}`);
    return r;
  };
  const ready = await checked();
  return {
    name,
    pid: child.pid,
    loadMs: ready.loadMs ?? NaN,
    units: ready.units ?? 0,
    tokens: ready.tokens ?? 0,
    shapes: ready.shapes ?? [],
    async ask(command) {
      await stdin.write(new TextEncoder().encode(`${command}\n`));
      return await checked();
    },
    peakMiB: () => peakMiB(child.pid),
    async quit() {
      await stdin.write(new TextEncoder().encode("quit\n"));
      await stdin.close();
      await child.status;
    },
  };
};
