import "../temp_cache.ts";
import assert from "node:assert/strict";
import {
  pearson,
  rankAverageTies,
  spearman,
} from "../../src/eval/correlation.ts";

Deno.test("ties share the average of their 1-based positions", () => {
  assert.deepEqual(Array.from(rankAverageTies([10, 20, 20, 5, 20])), [
    2,
    4,
    4,
    1,
    4,
  ]);
});

Deno.test("Spearman with ties matches the hand computation", () => {
  // x ranks: 1, 2.5, 2.5, 4; y ranks: 1, 2, 3, 4.
  // Centred: x (−1.5, 0, 0, 1.5), y (−1.5, −0.5, 0.5, 1.5).
  // Σxy = 4.5, Σx² = 4.5, Σy² = 5 → ρ = 4.5 / √22.5 = 0.9486832980505138
  // (scipy.stats.spearmanr([1,2,2,3],[1,2,3,4]) prints the same).
  const rho = spearman([1, 2, 2, 3], [1, 2, 3, 4]);
  assert.ok(Math.abs(rho - 4.5 / Math.sqrt(22.5)) < 1e-12, String(rho));
});

Deno.test("Pearson matches the hand computation and is invariant to affine maps", () => {
  // x = 1,2,3; y = 2,4,7: centred y = (−7/3, −1/3, 8/3); Σxy = 5, Σx² = 2, Σy² = 38/3
  const r = pearson([1, 2, 3], [2, 4, 7]);
  assert.ok(Math.abs(r - 5 / Math.sqrt(2 * 38 / 3)) < 1e-12);
  assert.ok(Math.abs(pearson([3, 5, 7], [-4, -8, -14]) + r) < 1e-12);
});

Deno.test("Spearman is 1 for any monotone map and −1 for a reversal", () => {
  const x = [0.3, -2, 5, 1e-3, 9];
  assert.equal(spearman(x, x.map((v) => Math.exp(v))), 1);
  assert.equal(spearman(x, x.map((v) => -v * 3)), -1);
});

Deno.test("correlation refuses mismatched or too-short inputs, and a constant side is NaN", () => {
  assert.throws(() => spearman([1, 2], [1]), RangeError);
  assert.throws(() => pearson([1], [1]), RangeError);
  assert.ok(Number.isNaN(pearson([1, 1, 1], [1, 2, 3])));
});
