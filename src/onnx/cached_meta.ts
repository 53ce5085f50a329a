import { Effect } from "effect";
import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { writeAtomic } from "./cache_dir.ts";

/**
 * A cached graph's description (JSON with the graph's `path`), followed
 * through a stat pointer (`{"meta": file}`) if it is one; undefined when
 * either is unreadable or the graph itself is gone, so the caller rebuilds.
 * Relative paths are resolved against `root` (the cache folder), so a cache
 * still works after it is copied elsewhere (shipped with a deployment).
 */
export const readCachedMeta = <T extends { readonly path: string }>(
  file: string,
  root: string,
): Effect.Effect<T | undefined> =>
  Effect.promise(async (): Promise<T | undefined> => {
    try {
      const json = JSON.parse(await Deno.readTextFile(file));
      const meta = "meta" in json
        ? JSON.parse(await Deno.readTextFile(resolve(root, json.meta)))
        : json;
      const path = resolve(root, meta.path);
      return existsSync(path) ? { ...meta, path } as T : undefined;
    } catch {
      return undefined;
    }
  });

/** Writes JSON atomically, creating the folder. */
export const writeJsonAtomic = async (file: string, value: unknown) => {
  await Deno.mkdir(dirname(file), { recursive: true });
  await writeAtomic(
    file,
    new TextEncoder().encode(JSON.stringify(value, null, 2)),
  );
};
