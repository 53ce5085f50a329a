/**
 * Runs a command as a child process and measures its peak resident memory:
 * by `/usr/bin/time -v` where it is installed, else by polling the child's
 * VmHWM while it runs (read with `cat`: Deno lets a script read /proc only
 * with every permission). The ingest benchmark and the streaming-embed
 * memory test share it.
 */
const TIME = "/usr/bin/time";

/** Whether `/usr/bin/time` measures (else VmHWM is polled). */
export const hasTime: boolean = (() => {
  try {
    return Deno.statSync(TIME).isFile;
  } catch {
    return false;
  }
})();

/** VmHWM of a running process, in kB (0 once it is gone). */
const peakKb = async (pid: number): Promise<number> => {
  const out = await new Deno.Command("cat", {
    args: [`/proc/${pid}/status`],
    stdout: "piped",
    stderr: "null",
  }).output();
  const s = new TextDecoder().decode(out.stdout);
  return Number(s.match(/^VmHWM:\s+(\d+) kB/m)?.[1] ?? 0);
};

/** What a measured run reports. */
export interface MeasuredRun {
  readonly code: number;
  readonly stderr: string;
  /** Wall seconds of the child, start to exit. */
  readonly seconds: number;
  /** Peak resident memory, MiB. */
  readonly peakMb: number;
}

/** Runs `command` (program and arguments) in `cwd`, stdout discarded. */
export const runMeasured = async (
  command: ReadonlyArray<string>,
  cwd: string,
  pollMs = 100,
): Promise<MeasuredRun> => {
  const started = performance.now();
  const child = new Deno.Command(hasTime ? TIME : command[0], {
    args: hasTime ? ["-v", ...command] : command.slice(1),
    cwd,
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  let peak = 0;
  let running = !hasTime;
  const poll = (async () => {
    while (running) {
      peak = Math.max(peak, await peakKb(child.pid));
      await new Promise((r) => setTimeout(r, pollMs));
    }
  })();
  const out = await child.output();
  const seconds = (performance.now() - started) / 1000;
  running = false;
  await poll;
  const stderr = new TextDecoder().decode(out.stderr);
  if (hasTime) {
    peak = Number(
      stderr.match(/Maximum resident set size \(kbytes\): (\d+)/)?.[1] ?? 0,
    );
  }
  return { code: out.code, stderr, seconds, peakMb: peak / 1024 };
};
