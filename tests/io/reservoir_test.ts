import "../temp_cache.ts";
import assert from "node:assert/strict";
import { reservoir } from "../../src/io/reservoir.ts";
import { seededRandom } from "../../src/eval/seeded_random.ts";

Deno.test("reservoir: a stream no longer than the capacity is kept whole, in order", () => {
  const r = reservoir<number>(5, () => 0.5);
  for (const x of [3, 1, 4]) r.offer(x);
  assert.deepEqual(r.sample(), [3, 1, 4]);
  assert.equal(r.seen(), 3);
});

Deno.test("reservoir: the sample keeps stream order and holds capacity items", () => {
  const r = reservoir<number>(100, seededRandom(7));
  for (let i = 0; i < 10_000; i++) r.offer(i);
  const s = r.sample();
  assert.equal(s.length, 100);
  assert.equal(r.seen(), 10_000);
  for (let k = 1; k < s.length; k++) assert.ok(s[k - 1] < s[k]);
});

Deno.test("reservoir: every position is equally likely (chi-squared over 2,000 draws)", () => {
  // 20 items, capacity 5: each is kept with probability 1/4. Over 2,000
  // seeded runs each position's count is Binomial(2000, 1/4): mean 500,
  // sd 19.4. Chi-squared with 19 degrees of freedom stays under 43.8 at
  // p = 0.001; a biased sampler (say, always keeping the last five) fails.
  const counts = new Array(20).fill(0);
  const random = seededRandom(12345);
  for (let run = 0; run < 2000; run++) {
    const r = reservoir<number>(5, random);
    for (let i = 0; i < 20; i++) r.offer(i);
    for (const i of r.sample()) counts[i]++;
  }
  const chi2 = counts.reduce((a, c) => a + (c - 500) ** 2 / 500, 0);
  assert.ok(chi2 < 43.8, `chi-squared ${chi2.toFixed(1)}: ${counts}`);
});

Deno.test("reservoir: a capacity below one is refused", () => {
  assert.throws(() => reservoir(0, Math.random), RangeError);
});
