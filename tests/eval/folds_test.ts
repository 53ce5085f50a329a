import "../temp_cache.ts";
import assert from "node:assert/strict";
import { foldRows, stratifiedFolds } from "../../src/eval/folds.ts";

Deno.test("stratified folds split each class evenly and cover every item once", () => {
  // 30 of class 0, 10 of class 1, 5 folds: every fold holds 6 + 2.
  const labels = Int32Array.from({ length: 40 }, (_, i) => (i < 30 ? 0 : 1));
  const fold = stratifiedFolds(labels, 5, 42);
  for (let f = 0; f < 5; f++) {
    const rows = foldRows(fold, f, true);
    assert.equal(rows.filter((i) => labels[i] === 0).length, 6);
    assert.equal(rows.filter((i) => labels[i] === 1).length, 2);
    assert.equal(foldRows(fold, f, false).length, 32);
  }
  assert.deepEqual(stratifiedFolds(labels, 5, 42), fold);
  assert.notDeepEqual(stratifiedFolds(labels, 5, 43), fold);
});

Deno.test("foldRows maps positions of a subset back to its rows", () => {
  const rows = Int32Array.of(10, 20, 30, 40);
  assert.deepEqual([...foldRows(Int32Array.of(0, 1, 0, 1), 1, true, rows)], [
    20,
    40,
  ]);
  assert.throws(() => stratifiedFolds(Int32Array.of(0), 1, 1), RangeError);
});
