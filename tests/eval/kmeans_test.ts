import "../temp_cache.ts";
import assert from "node:assert/strict";
import { clusteringAccuracy } from "../../src/eval/cluster_metrics.ts";
import { jsGemm } from "../../src/eval/gemm.ts";
import { kmeans } from "../../src/eval/kmeans.ts";
import { blobs } from "./_random.ts";

const centres = [
  [10, 0, 0, 0, 0, 0],
  [0, 10, 0, 0, 0, 0],
  [0, 0, 10, 0, 0, 0],
  [0, 0, 0, 10, 10, 0],
];

Deno.test("k-means++ recovers well-separated blobs for every seed", async () => {
  const d = blobs(centres, 25, 0.5, 2);
  for (const seed of [1, 2, 3, 4, 5]) {
    const r = await kmeans(jsGemm, d.x, d.rows, d.dim, 4, seed);
    assert.equal(
      clusteringAccuracy(d.labels, r.assignment),
      100,
      `seed ${seed}`,
    );
    assert.ok(r.iterations < 10);
  }
});

Deno.test("k-means is deterministic for a seed and finds the blobs' inertia", async () => {
  const d = blobs(centres, 25, 0.5, 6);
  const a = await kmeans(jsGemm, d.x, d.rows, d.dim, 4, 9);
  const b = await kmeans(jsGemm, d.x, d.rows, d.dim, 4, 9);
  assert.deepEqual(a.assignment, b.assignment);
  // Inertia at the gold partition: squared distances to each blob's mean.
  let want = 0;
  for (let k = 0; k < 4; k++) {
    const mean = new Float64Array(d.dim);
    for (let i = k * 25; i < (k + 1) * 25; i++) {
      for (let j = 0; j < d.dim; j++) mean[j] += d.x[i * d.dim + j] / 25;
    }
    for (let i = k * 25; i < (k + 1) * 25; i++) {
      for (let j = 0; j < d.dim; j++) {
        want += (d.x[i * d.dim + j] - mean[j]) ** 2;
      }
    }
  }
  assert.ok(
    Math.abs(a.inertia - want) / want < 1e-4,
    `${a.inertia} vs ${want}`,
  );
});

Deno.test("k-means refuses more clusters than rows", async () => {
  await assert.rejects(
    () => kmeans(jsGemm, new Float32Array(4), 2, 2, 3, 1),
    RangeError,
  );
});
