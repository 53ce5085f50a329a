import "../temp_cache.ts";
import assert from "node:assert/strict";
import { jsGemm } from "../../src/eval/gemm.ts";
import {
  accuracy,
  fitLogistic,
  predictLogistic,
} from "../../src/eval/logistic_regression.ts";
import { blobs } from "./_random.ts";

const all = (n: number) => Int32Array.from({ length: n }, (_, i) => i);
const tight = { maxIter: 500, gradTol: 1e-9, relTol: 0 };

Deno.test("logistic regression separates two well-separated blobs", async () => {
  const train = blobs([[2, 2, 0, 1, -1], [-2, -2, 0, 1, -1]], 40, 0.7, 3);
  const test = blobs([[2, 2, 0, 1, -1], [-2, -2, 0, 1, -1]], 40, 0.7, 4);
  const { models } = await fitLogistic(jsGemm, train, train.labels, 2, [{
    train: all(train.rows),
    c: 1,
  }]);
  const [onTrain] = await predictLogistic(jsGemm, models, train);
  const [onTest] = await predictLogistic(jsGemm, models, test);
  assert.equal(accuracy(onTrain, train.labels), 100);
  assert.equal(accuracy(onTest, test.labels), 100);
});

Deno.test("binary logistic regression reaches the 1-D optimum worked out by hand", async () => {
  // x = +1: three of four are class 1; x = −1: one of four. Standardised x is
  // x itself, the bias is 0 by symmetry, and the mean-loss gradient gives
  // σ(w) = ¾ − λw with λ = 1/(C·8). Without a penalty w = ln 3.
  const x = Float32Array.of(1, 1, 1, 1, -1, -1, -1, -1);
  const y = Int32Array.of(1, 1, 1, 0, 0, 0, 0, 1);
  const design = { x, rows: 8, dim: 1 };
  const solve = (lambda: number) => {
    let lo = 0, hi = 5; // σ(w) + λw − ¾ is increasing in w
    for (let i = 0; i < 200; i++) {
      const mid = (lo + hi) / 2;
      if (1 / (1 + Math.exp(-mid)) + lambda * mid - 0.75 > 0) hi = mid;
      else lo = mid;
    }
    return lo;
  };
  for (const c of [1e7, 0.1, 0.02]) {
    const { models: [m] } = await fitLogistic(jsGemm, design, y, 2, [{
      train: all(8),
      c,
    }], tight);
    const want = c > 1e6 ? Math.log(3) : solve(1 / (c * 8));
    assert.ok(
      Math.abs(m.weights[0] - want) < 1e-4,
      `C=${c}: w=${m.weights[0]}, want ${want}`,
    );
    assert.ok(Math.abs(m.bias[0]) < 1e-5);
  }
});

Deno.test("multinomial logistic regression fits a saturated model to the empirical frequencies", async () => {
  // Three distinct points in 2-D: an affine map can give each any logits, so
  // the unpenalised optimum predicts each point's own class frequencies.
  const points = [[0, 0], [1, 0], [0, 1]];
  const counts = [[2, 1, 1], [1, 3, 1], [1, 1, 2]];
  const xs: number[] = [], ys: number[] = [];
  counts.forEach((row, p) =>
    row.forEach((n, k) => {
      for (let i = 0; i < n; i++) {
        xs.push(...points[p]);
        ys.push(k);
      }
    })
  );
  const design = { x: Float32Array.from(xs), rows: ys.length, dim: 2 };
  const { models: [m] } = await fitLogistic(
    jsGemm,
    design,
    Int32Array.from(ys),
    3,
    [{ train: all(ys.length), c: 1e8 }],
    tight,
  );
  points.forEach((pt, p) => {
    const z = [0, 1, 2].map((k) =>
      pt[0] * m.weights[k] + pt[1] * m.weights[3 + k] + m.bias[k]
    );
    const e = z.map((v) => Math.exp(v - Math.max(...z)));
    const sum = e.reduce((a, b) => a + b, 0);
    const total = counts[p].reduce((a, b) => a + b, 0);
    e.forEach((v, k) => {
      assert.ok(
        Math.abs(v / sum - counts[p][k] / total) < 1e-3,
        `point ${p} class ${k}`,
      );
    });
  });
});

Deno.test("problems fitted jointly equal the same problems fitted one by one", async () => {
  const d = blobs([[1, 0, 0], [0, 1, 0], [0, 0, 1]], 20, 0.9, 8);
  const half = all(d.rows).filter((i) => i % 2 === 0);
  const problems = [{ train: all(d.rows), c: 0.05 }, { train: half, c: 2 }];
  const joint = await fitLogistic(jsGemm, d, d.labels, 3, problems, tight);
  for (let p = 0; p < problems.length; p++) {
    const { models: [alone] } = await fitLogistic(jsGemm, d, d.labels, 3, [
      problems[p],
    ], tight);
    for (let i = 0; i < alone.weights.length; i++) {
      assert.ok(Math.abs(alone.weights[i] - joint.models[p].weights[i]) < 1e-3);
    }
  }
});

Deno.test("logistic regression refuses labels outside its classes", async () => {
  const d = { x: Float32Array.of(1, 2), rows: 2, dim: 1 };
  await assert.rejects(
    () =>
      fitLogistic(jsGemm, d, Int32Array.of(0, 2), 2, [{ train: all(2), c: 1 }]),
    RangeError,
  );
});
