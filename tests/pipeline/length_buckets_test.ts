import "../temp_cache.ts";
import assert from "node:assert/strict";
import { lengthBuckets } from "../../src/forward/length_buckets.ts";

// Every way to cut the sorted order into runs, by brute force: the least
// total of rows × longest + perBatch within the limits.
const bruteForce = (
  lengths: number[],
  budget: number,
  maxRows: number,
  perBatch: number,
): number => {
  const sorted = [...lengths].sort((a, b) => a - b);
  const n = sorted.length;
  let best = Infinity;
  for (let cuts = 0; cuts < 1 << (n - 1); cuts++) {
    let cost = 0, start = 0, ok = true;
    for (let i = 1; i <= n; i++) {
      if (i === n || cuts & (1 << (i - 1))) {
        const rows = i - start;
        const longest = sorted[i - 1];
        if (rows > maxRows || (rows > 1 && rows * longest > budget)) ok = false;
        cost += rows * longest + perBatch;
        start = i;
      }
    }
    if (ok) best = Math.min(best, cost);
  }
  return best;
};

const costOf = (lengths: number[], batches: number[][], perBatch: number) =>
  batches.reduce(
    (s, b) => s + b.length * Math.max(...b.map((i) => lengths[i])) + perBatch,
    0,
  );

Deno.test("length buckets cover every row once, within limits, at the least cost", () => {
  let seed = 7;
  const rand = () =>
    (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
  for (let trial = 0; trial < 200; trial++) {
    const n = 1 + Math.floor(rand() * 9);
    const lengths = Array.from(
      { length: n },
      () => 1 + Math.floor(rand() * 40),
    );
    const budget = 20 + Math.floor(rand() * 100);
    const maxRows = 1 + Math.floor(rand() * 4);
    const perBatch = Math.floor(rand() * 50);
    const batches = lengthBuckets(lengths, budget, maxRows, perBatch);
    assert.deepEqual(batches.flat().sort((a, b) => a - b), [...lengths.keys()]);
    for (const b of batches) {
      assert.ok(b.length <= maxRows);
      const longest = Math.max(...b.map((i) => lengths[i]));
      assert.ok(b.length === 1 || b.length * longest <= budget);
    }
    assert.equal(
      costOf(lengths, batches, perBatch),
      bruteForce(lengths, budget, maxRows, perBatch),
      `lengths ${lengths}, budget ${budget}, rows ${maxRows}, per batch ${perBatch}`,
    );
  }
});

Deno.test("equal lengths fill batches to the row limit; no input, no batch", () => {
  assert.deepEqual(
    lengthBuckets(Array(130).fill(12)).map((b) => b.length).sort((a, b) =>
      a - b
    ),
    [2, 64, 64],
  );
  assert.deepEqual(lengthBuckets([]), []);
});
