import "../temp_cache.ts";
import assert from "node:assert/strict";
import { clusteringAccuracy, nmi } from "../../src/eval/cluster_metrics.ts";

const labels = (...xs: number[]) => Int32Array.from(xs);

Deno.test("ACC is 100 for a permuted labelling of the gold partition", () => {
  const truth = labels(0, 0, 1, 1, 1, 2, 2, 3);
  const pred = labels(3, 3, 0, 0, 0, 1, 1, 2);
  assert.equal(clusteringAccuracy(truth, pred), 100);
});

Deno.test("ACC takes the best one-to-one matching, not the greedy one", () => {
  // Contingency (class × cluster): [[3, 2], [2, 0]]. Greedy takes the 3 and
  // is left with 0 (3/7); the optimal matching takes 2 + 2 = 4 of 7.
  const truth = labels(0, 0, 0, 0, 0, 1, 1);
  const pred = labels(0, 0, 0, 1, 1, 0, 0);
  assert.ok(Math.abs(clusteringAccuracy(truth, pred) - 400 / 7) < 1e-9);
});

Deno.test("ACC with more clusters than classes leaves the extra cluster unmatched", () => {
  const truth = labels(0, 0, 1, 1);
  const pred = labels(0, 2, 1, 1); // cluster 2 has no class left to map to
  assert.equal(clusteringAccuracy(truth, pred), 75);
});

Deno.test("NMI is 100 for identical partitions, relabelled or not", () => {
  const truth = labels(0, 0, 1, 1, 2, 2, 2);
  assert.ok(Math.abs(nmi(truth, truth) - 100) < 1e-9);
  assert.ok(Math.abs(nmi(truth, labels(5, 5, 0, 0, 1, 1, 1)) - 100) < 1e-9);
});

Deno.test("NMI is 0 for independent partitions", () => {
  // Every (class, cluster) cell holds the product of its margins' shares.
  const truth = labels(0, 0, 0, 0, 1, 1, 1, 1);
  const pred = labels(0, 1, 2, 3, 0, 1, 2, 3);
  assert.ok(Math.abs(nmi(truth, pred)) < 1e-9);
});

Deno.test("NMI matches a hand-worked value (arithmetic normalisation)", () => {
  // truth {0,0,1,1}, pred {0,0,0,1}: H(U) = ln 2, H(V) = −(¾ln¾ + ¼ln¼),
  // I = ½ln(4/3) + ¼ln(2/3) + ¼ln 2.
  const hu = Math.log(2);
  const hv = -(0.75 * Math.log(0.75) + 0.25 * Math.log(0.25));
  const mi = 0.5 * Math.log(4 / 3) + 0.25 * Math.log(2 / 3) +
    0.25 * Math.log(2);
  const expected = (100 * mi) / ((hu + hv) / 2);
  assert.ok(
    Math.abs(nmi(labels(0, 0, 1, 1), labels(0, 0, 0, 1)) - expected) < 1e-9,
  );
});

Deno.test("metrics refuse labellings of different lengths", () => {
  assert.throws(() => nmi(labels(0, 1), labels(0)), RangeError);
  assert.throws(() => clusteringAccuracy(labels(), labels()), RangeError);
});
