import "../temp_cache.ts";
import assert from "node:assert/strict";
import { microBatcher } from "../../src/serve/micro_batcher.ts";

// A recording batch runner: doubles each item, remembers each batch.
const recorder = (maxBatchTokens: number, maxWaitMs = 5) => {
  const batches: number[][] = [];
  const batcher = microBatcher<number, number>({
    maxBatchTokens,
    maxWaitMs,
    cost: () => 1,
    run: (items) => {
      batches.push([...items]);
      return Promise.resolve(items.map((x) => 2 * x));
    },
  });
  return { batches, batcher };
};

Deno.test("concurrent requests share one batch and get their own rows back", async () => {
  const { batches, batcher } = recorder(100);
  const [a, b, c] = await Promise.all([
    batcher.submit([1, 2]),
    batcher.submit([3]),
    batcher.submit([4, 5, 6]),
  ]);
  assert.deepEqual(batches, [[1, 2, 3, 4, 5, 6]]);
  assert.deepEqual([a, b, c], [[2, 4], [6], [8, 10, 12]]);
});

Deno.test("a batch closes when the token budget is reached", async () => {
  const { batches, batcher } = recorder(3);
  const out = await Promise.all([
    batcher.submit([1, 2]),
    batcher.submit([3]), // fills the budget of 3: flushed at once
    batcher.submit([4, 5]), // would overflow nothing yet: waits
    batcher.submit([6, 7]), // would overflow 2+2 > 3: closes [4,5] first
  ]);
  assert.deepEqual(batches, [[1, 2, 3], [4, 5], [6, 7]]);
  assert.deepEqual(out, [[2, 4], [6], [8, 10], [12, 14]]);
});

Deno.test("a request bigger than the budget runs alone, unsplit", async () => {
  const { batches, batcher } = recorder(2);
  const out = await batcher.submit([1, 2, 3, 4]);
  assert.deepEqual(batches, [[1, 2, 3, 4]]);
  assert.deepEqual(out, [2, 4, 6, 8]);
});

Deno.test("a lone request is flushed after the wait", async () => {
  const { batches, batcher } = recorder(100, 20);
  const started = performance.now();
  assert.deepEqual(await batcher.submit([7]), [14]);
  assert.ok(performance.now() - started >= 15);
  assert.deepEqual(batches, [[7]]);
  assert.equal(batcher.queued(), 0);
});

Deno.test("a failed batch rejects every request in it", async () => {
  const batcher = microBatcher<number, number>({
    maxBatchTokens: 10,
    maxWaitMs: 1,
    cost: () => 1,
    run: () => Promise.reject(new Error("model crashed")),
  });
  const results = await Promise.allSettled([
    batcher.submit([1]),
    batcher.submit([2]),
  ]);
  assert.deepEqual(results.map((r) => r.status), ["rejected", "rejected"]);
});
