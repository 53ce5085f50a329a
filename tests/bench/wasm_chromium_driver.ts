/**
 * Opens a graph in headless Chromium through the WASM sweep's page and
 * onnxruntime-node beside it, runs two batches, and prints what the test
 * checks as JSON. Run by wasm_chromium_test.ts in its own process:
 * playwright reads /proc at load, which Deno grants only with --allow-all.
 *
 * Usage: deno run -A wasm_chromium_driver.ts GRAPH THREADS
 */
import { openChromiumWasm } from "../../bench/speed/wasm_chromium.ts";
import type { Batch } from "../../bench/speed/wasm_batches.ts";
import { maxAbsDiff, openNative } from "../../bench/speed/wasm_pairing.ts";

const [graph, threads] = Deno.args;
// Two right-padded batches of ids under the tiny fixture's vocabulary.
const batch = (rows: number[][]): Batch => {
  const seq = Math.max(...rows.map((r) => r.length));
  const ids = new BigInt64Array(rows.length * seq);
  const mask = new BigInt64Array(rows.length * seq);
  rows.forEach((r, b) =>
    r.forEach((id, t) => {
      ids[b * seq + t] = BigInt(id);
      mask[b * seq + t] = 1n;
    })
  );
  return { dims: [rows.length, seq], ids, mask };
};
const batches = [
  batch([[2, 7, 9, 3], [2, 11, 3]]),
  batch([[2, 5, 6, 8, 13, 21, 3]]),
];
const native = await openNative(graph, batches);
const page = await openChromiumWasm(
  graph,
  { label: "test", threads: Number(threads) },
  batches,
  7,
);
try {
  const pass = await page.pass();
  console.log(JSON.stringify({
    isolated: page.isolated,
    threads: page.threads,
    values: page.first.length,
    maxDiff: maxAbsDiff(page.first, await native.run(batches[0])),
    passMs: pass.ms,
  }));
} finally {
  await page.close();
}
