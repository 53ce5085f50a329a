import "./temp_cache.ts";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { cacheDir } from "../src/onnx/cache_dir.ts";
import { memoResult } from "../src/eval/result_cache.ts";
import { TEST_CACHE } from "./temp_cache.ts";

const root = fileURLToPath(new URL("./", import.meta.url));

const testFiles = (dir: string): string[] =>
  [...Deno.readDirSync(dir)].flatMap((e) =>
    e.isDirectory
      ? testFiles(`${dir}${e.name}/`)
      : e.name.endsWith("_test.ts")
      ? [`${dir}${e.name}`]
      : []
  );

Deno.test("every test file gets its own cache: it imports temp_cache.ts, directly or through test_paths.ts", () => {
  const offenders = testFiles(root).filter((f) => {
    const s = Deno.readTextFileSync(f);
    return !/import [^;]*["'][./]*\/?(temp_cache|test_paths)\.ts["']/.test(s);
  });
  assert.deepEqual(offenders.map((f) => f.slice(root.length)), []);
});

Deno.test("the cache root is read per call and points at this file's fresh folder", () => {
  assert.equal(cacheDir(), TEST_CACHE);
  assert.notEqual(
    TEST_CACHE,
    fileURLToPath(new URL("../.cache", import.meta.url)),
  );
});

Deno.test("the result cache computes on a miss, then serves the hit, within one test", async () => {
  let runs = 0;
  const compute = () => Promise.resolve({ score: ++runs });
  const key = crypto.randomUUID();
  const first = await memoResult("results", key, compute);
  const second = await memoResult("results", key, compute);
  assert.deepEqual(first, { value: { score: 1 }, cached: false });
  assert.deepEqual(second, { value: { score: 1 }, cached: true });
  assert.equal(runs, 1);
  // Stored under this file's cache, nowhere else.
  await Deno.stat(`${TEST_CACHE}/results/${key}.json`);
});
