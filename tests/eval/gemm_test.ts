import "../temp_cache.ts";
import assert from "node:assert/strict";
import { jsGemm } from "../../src/eval/gemm.ts";
import { ortGemm } from "../../src/eval/ort_gemm.ts";
import { gaussian } from "./_random.ts";

// onnxruntime keeps its thread pool alive across tests by design.
const opts = { sanitizeOps: false, sanitizeResources: false };

const matrix = (rows: number, cols: number, seed: number) => {
  const g = gaussian(seed);
  return Float32Array.from({ length: rows * cols }, g);
};

Deno.test("the TypeScript products match a hand-worked 2x2 case", async () => {
  const a = Float32Array.of(1, 2, 3, 4), b = Float32Array.of(5, 6, 7, 8);
  assert.deepEqual([...(await jsGemm.nn(a, 2, 2, b, 2))], [19, 22, 43, 50]);
  assert.deepEqual([...(await jsGemm.tn(a, 2, 2, b, 2))], [26, 30, 38, 44]);
  assert.deepEqual([...(await jsGemm.nt(a, 2, 2, b, 2))], [17, 23, 39, 53]);
  await assert.rejects(async () => await jsGemm.nn(a, 2, 3, b, 2), RangeError);
});

Deno.test({
  name: "onnxruntime products agree with the TypeScript reference",
  ...opts,
  fn: async () => {
    const ort = await ortGemm(2);
    const [m, k, n] = [37, 53, 11];
    const a = matrix(m, k, 1),
      b = matrix(k, n, 2),
      bt = matrix(n, k, 3),
      at = matrix(k, m, 4);
    const cases: Array<[Promise<Float32Array>, Promise<Float32Array>]> = [
      [ort.nn(a, m, k, b, n), jsGemm.nn(a, m, k, b, n)],
      [ort.tn(at, k, m, b, n), jsGemm.tn(at, k, m, b, n)],
      [ort.nt(a, m, k, bt, n), jsGemm.nt(a, m, k, bt, n)],
      // A view into a larger buffer (rows of a design) must be read at its offset.
      [
        ort.nn(a.subarray(k, 3 * k), 2, k, b, n),
        jsGemm.nn(a.subarray(k, 3 * k), 2, k, b, n),
      ],
    ];
    for (const [got, want] of cases) {
      const g = await got, w = await want;
      assert.equal(g.length, w.length);
      for (let i = 0; i < g.length; i++) {
        assert.ok(Math.abs(g[i] - w[i]) < 1e-4, `at ${i}`);
      }
    }
    // A fixed thread count repeats bit for bit.
    assert.deepEqual(await ort.nn(a, m, k, b, n), await ort.nn(a, m, k, b, n));
  },
});
