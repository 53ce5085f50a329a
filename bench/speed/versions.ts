import { dirname } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The installed version of npm package `name`: the `package.json` above the
 * file its import specifier resolves to (what actually runs, not what a
 * range allows).
 */
export const installedVersion = (name: string): string => {
  let dir = dirname(fileURLToPath(import.meta.resolve(name)));
  while (dir !== dirname(dir)) {
    try {
      const pkg = JSON.parse(Deno.readTextFileSync(`${dir}/package.json`));
      if (pkg.name === name) return String(pkg.version);
    } catch { /* no package.json at this level */ }
    dir = dirname(dir);
  }
  return "unknown";
};

/** Versions printed with every bench run. */
export const versions = (): Record<string, string> => ({
  deno: Deno.version.deno,
  "onnxruntime-node": installedVersion("onnxruntime-node"),
  "onnxruntime-web": installedVersion("onnxruntime-web"),
  "@huggingface/transformers": installedVersion("@huggingface/transformers"),
});
