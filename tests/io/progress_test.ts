import "../temp_cache.ts";
import assert from "node:assert/strict";
import {
  countBytes,
  progressLine,
  progressReporter,
} from "../../src/io/progress.ts";
import { streamOf } from "./_helpers.ts";

const fake = (options: { totalBytes?: number; enabled?: boolean }) => {
  let t = 0;
  const out: string[] = [];
  const progress = progressReporter({
    ...options,
    write: (s) => out.push(s),
    now: () => t,
    intervalMs: 100,
  });
  return { progress, out, tick: (ms: number) => t += ms };
};

Deno.test("progressLine: count, rate, share of bytes and ETA", () => {
  assert.equal(
    progressLine({ records: 12345, bytes: 0, elapsedMs: 2000 }),
    "12,345 sentences, 6,173/s",
  );
  assert.equal(
    progressLine({
      records: 10,
      bytes: 100,
      totalBytes: 400,
      elapsedMs: 3_600_000,
    }),
    "10 sentences, 0/s, 25% of the input, ETA 3:00:00",
  );
  assert.equal(
    progressLine({ records: 10, bytes: 400, totalBytes: 400, elapsedMs: 1000 }),
    "10 sentences, 10/s, 100% of the input",
  );
});

Deno.test("progressReporter rewrites one line at most every interval, ends it on finish", () => {
  const { progress, out, tick } = fake({ enabled: true, totalBytes: 1000 });
  tick(1000);
  progress.update(10, 100); // prints (first)
  tick(50);
  progress.update(20, 200); // too soon
  tick(60);
  progress.update(30, 500); // prints
  progress.finish();
  assert.deepEqual(out, [
    "\r\x1b[K10 sentences, 10/s, 10% of the input, ETA 0:09",
    "\r\x1b[K30 sentences, 27/s, 50% of the input, ETA 0:01",
    "\r\x1b[K30 sentences, 27/s, 50% of the input, ETA 0:01",
    "\n",
  ]);
});

Deno.test("progressReporter is silent when disabled (stderr not a terminal)", () => {
  const { progress, out } = fake({ enabled: false });
  progress.update(1, 1);
  progress.finish();
  assert.deepEqual(out, []);
  // Under `deno test` stderr is piped, so the default is silent too.
  if (!Deno.stderr.isTerminal()) {
    const silent = progressReporter({ write: () => assert.fail("wrote") });
    silent.update(1, 1);
    silent.finish();
  }
});

Deno.test("countBytes reports the running total of bytes read", async () => {
  const seen: number[] = [];
  const chunks = await Array.fromAsync(
    countBytes(streamOf("ab", "cde", ""), (n) => seen.push(n)),
  );
  assert.equal(chunks.length, 3);
  assert.deepEqual(seen, [2, 5, 5]);
});
