/**
 * Hermetic caches for tests. Importing this module (every test file does,
 * directly or through `test_paths.ts`) points `SENTEMB_CACHE` at a fresh
 * folder for that test file, so nothing a test caches — derived graphs,
 * fixtures, hidden states, memoised evaluation scores — survives into the
 * next file or the next run, and running the suite twice runs the same code
 * both times. Child processes the tests spawn inherit the variable.
 *
 * `deno test` runs test files one after another, each in its own worker, and
 * evaluates a file's imports just before its tests: the variable set here is
 * the one its tests see. The folder lies under the project's `.cache/` (the
 * place the test task and the CLI subprocesses may write) and is removed when
 * the file's worker unloads.
 */
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../.cache", import.meta.url));
Deno.mkdirSync(root, { recursive: true });

/** This test file's cache root (`SENTEMB_CACHE`). */
export const TEST_CACHE: string = Deno.makeTempDirSync({
  dir: root,
  prefix: "test-",
});
Deno.env.set("SENTEMB_CACHE", TEST_CACHE);

/** This test file's folder of random-weight model folders. */
export const TEST_MODELS: string = `${TEST_CACHE}/test-models`;

globalThis.addEventListener("unload", () => {
  try {
    Deno.removeSync(TEST_CACHE, { recursive: true });
  } catch {
    // Already gone.
  }
});
