import "./temp_cache.ts";

const ROOT = new URL("../", import.meta.url).pathname;

/** What a task's process printed, and its exit code. */
export interface TaskOutput {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `deno task -q TASK ARGS` in the repository's root with `stdin` written
 * to it and closed, and `env` added to this process's environment (so the
 * test's own temporary cache goes with it).
 */
export const runTask = async (
  task: string,
  args: ReadonlyArray<string>,
  stdin = "",
  env: Record<string, string> = {},
): Promise<TaskOutput> => {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["task", "-q", task, ...args],
    cwd: ROOT,
    env,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const w = child.stdin.getWriter();
  await w.write(new TextEncoder().encode(stdin));
  await w.close();
  const out = await child.output();
  return {
    code: out.code,
    stdout: new TextDecoder().decode(out.stdout),
    stderr: new TextDecoder().decode(out.stderr),
  };
};
