import "../temp_cache.ts";
import assert from "node:assert/strict";
import { jsGemm } from "../../src/eval/gemm.ts";
import { isotropy } from "../../src/eval/isotropy.ts";

Deno.test("isotropy of ±basis vectors: spread over every direction", async () => {
  // Rows ±e_j, j < 4: covariance I/4, so the effective dimension is 4 of 4;
  // the only non-zero cosines are the 4 pairs (e_j, −e_j), each −1, counted
  // both ways among 8·7 ordered pairs.
  const d = 4;
  const data = new Float32Array(2 * d * d);
  for (let j = 0; j < d; j++) {
    data[(2 * j) * d + j] = 1;
    data[(2 * j + 1) * d + j] = -1;
  }
  const r = await isotropy(jsGemm, { rows: 2 * d, dim: d, data });
  assert.ok(Math.abs(r.effectiveDimRatio - 1) < 1e-9);
  assert.ok(Math.abs(r.meanCosine - -8 / 56) < 1e-9);
});

Deno.test("isotropy of points on one line: one effective dimension, cosines ±1", async () => {
  const data = Float32Array.of(1, 2, 0, 2, 4, 0, 3, 6, 0); // all on the ray (1, 2, 0)
  const r = await isotropy(jsGemm, { rows: 3, dim: 3, data });
  assert.ok(Math.abs(r.effectiveDimRatio - 1 / 3) < 1e-6);
  assert.ok(Math.abs(r.meanCosine - 1) < 1e-6);
});
