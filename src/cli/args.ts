import { parseArgs } from "node:util";

/**
 * Parses CLI flags strictly: an unknown flag is a usage error with the
 * command's help, never silently ignored.
 */
export const parseFlags = <
  const O extends Record<string, { type: "string" | "boolean" }>,
>(args: string[], options: O, usage: string) => {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false })
      .values;
  } catch (e) {
    console.error(`${(e as Error).message}\n\n${usage}`);
    Deno.exit(2);
  }
};
