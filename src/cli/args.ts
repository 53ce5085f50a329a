import { parseArgs } from "node:util";

/**
 * Parses CLI flags strictly: an unknown flag is a usage error with the
 * command's help, never silently ignored; `--help` (when the command
 * declares it) prints the help and exits 0.
 */
export const parseFlags = <
  const O extends Record<string, { type: "string" | "boolean" }>,
>(args: string[], options: O, usage: string) => {
  try {
    const values =
      parseArgs({ args, options, strict: true, allowPositionals: false })
        .values;
    if ((values as { help?: unknown }).help === true) {
      console.log(usage);
      Deno.exit(0);
    }
    return values;
  } catch (e) {
    console.error(`${(e as Error).message}\n\n${usage}`);
    Deno.exit(2);
  }
};
