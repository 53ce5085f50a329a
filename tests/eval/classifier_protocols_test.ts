import "../temp_cache.ts";
import assert from "node:assert/strict";
import {
  C_GRID,
  devAccuracy,
  kfoldAccuracy,
  trainTestAccuracy,
} from "../../src/eval/classifier_protocols.ts";
import { jsGemm } from "../../src/eval/gemm.ts";
import { blobs } from "./_random.ts";

const centres = [[1.5, 0, 0, 0], [0, 1.5, 0, 0], [0, 0, 1.5, 0]];
const setup = { gemm: jsGemm, classes: 3, fit: { maxIter: 50 } };

Deno.test("k-fold protocol: separable classes score 100 with a C from the grid", async () => {
  const d = blobs(centres, 20, 0.2, 1);
  const s = await kfoldAccuracy(setup, d, d.labels, 5);
  assert.equal(s.accuracy, 100);
  assert.ok(C_GRID.includes(s.c));
  assert.equal(s.trainRows + s.testRows, d.rows);
});

Deno.test("dev and train→test protocols: near-chance noise stays near chance", async () => {
  // Labels independent of the features: accuracy must not beat chance by
  // much on test data the choice of C never saw.
  const train = blobs(centres, 40, 0.2, 2);
  const noise = (seed: number) => {
    const d = blobs([[0, 0, 0, 0]], 60, 1, seed);
    return { ...d, labels: Int32Array.from(d.labels, (_, i) => i % 3) };
  };
  const dev = noise(3), test = noise(4), train2 = noise(5);
  const clean = await devAccuracy(
    setup,
    train,
    train.labels,
    train,
    train.labels,
    train,
    train.labels,
  );
  assert.equal(clean.accuracy, 100);
  const s = await trainTestAccuracy(
    setup,
    train2,
    train2.labels,
    test,
    test.labels,
    1,
  );
  assert.ok(s.accuracy < 55, `accuracy ${s.accuracy} on pure noise`);
  const cv = await trainTestAccuracy(
    setup,
    train2,
    train2.labels,
    dev,
    dev.labels,
    3,
  );
  assert.ok(cv.accuracy < 55, `accuracy ${cv.accuracy} on pure noise`);
});
