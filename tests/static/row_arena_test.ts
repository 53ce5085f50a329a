import "../temp_cache.ts";
import assert from "node:assert/strict";
import wabtInit from "wabt";
import { poolSentence } from "../../src/aggregate/pool.ts";
import { uniformWeight } from "../../src/aggregate/weighting.ts";
import {
  randomEncoder,
  randomVector,
} from "../../src/static/random_encoder.ts";
import { ROW_KERNEL_WASM, rowArena } from "../../src/static/row_arena.ts";

Deno.test("the embedded kernel is row_kernel.wat as wabt assembles it", async () => {
  const wabt = await wabtInit();
  const source = await Deno.readTextFile(
    new URL("../../src/static/row_kernel.wat", import.meta.url),
  );
  const module = wabt.parseWat("row_kernel.wat", source, { simd: true });
  module.validate();
  const embedded = Uint8Array.from(
    atob(ROW_KERNEL_WASM),
    (c) => c.charCodeAt(0),
  );
  assert.deepEqual(module.toBinary({}).buffer, embedded);
});

// A deterministic table of awkward width (13: padded to 16 lanes).
const fillRow = (r: number) => (row: Float32Array) => {
  for (let j = 0; j < row.length; j++) row[j] = Math.sin(r * 7.1 + j) * 3;
};

Deno.test("weighted means over the arena equal a float64 reference, across chunks and grows", () => {
  const dim = 13;
  const arena = rowArena(dim)!;
  // 2,000 rows of 16 floats outgrow the first 64 KiB page several times.
  const handles = Array.from({ length: 2000 }, (_, r) => arena.add(fillRow(r)));
  assert.equal(arena.size, 2000);
  // Rows written before the memory grew still read back intact.
  const expected0 = new Float32Array(dim);
  fillRow(0)(expected0);
  assert.deepEqual(arena.view(handles[0]), expected0);
  for (const count of [1, 3, 4, 9, 300]) {
    const pick = Int32Array.from({ length: count }, (_, k) => handles[k * 5]);
    const weights = Float32Array.from({ length: count }, (_, k) => 0.5 + k % 3);
    const total = weights.reduce((s, w) => s + w, 0);
    const out = new Float32Array(dim);
    arena.weightedMean(pick, weights, count, total, out);
    const want = new Float64Array(dim);
    const row = new Float32Array(dim);
    for (let k = 0; k < count; k++) {
      fillRow(k * 5)(row);
      for (let j = 0; j < dim; j++) want[j] += weights[k] * row[j] / total;
    }
    for (let j = 0; j < dim; j++) {
      assert.ok(
        Math.abs(out[j] - want[j]) < 1e-5,
        `count ${count}, component ${j}: ${out[j]} vs ${want[j]}`,
      );
    }
  }
});

Deno.test("the random encoder's arena rows are its seeded vectors, and pool like plain arrays", () => {
  const enc = randomEncoder({ dim: 64, seed: 9 });
  assert.ok(enc.rows, "WebAssembly SIMD is available in Deno");
  const got = new Float32Array(64), want = new Float32Array(64);
  enc.vector(77, "x", got);
  randomVector(9, 77, want);
  assert.deepEqual(got, want);
  // The same sentence pooled through the arena and through plain rows.
  const tokens = ["a", "b", "a", "c", "d", "e"];
  const s = {
    tokens,
    ids: Uint32Array.from(tokens, (t) => t.charCodeAt(0)),
    special: new Uint8Array(tokens.length),
  };
  const keep = () => true;
  const viaArena = new Float32Array(64);
  poolSentence(s, enc, uniformWeight, keep, "mean", viaArena, got);
  const plain = { ...enc, rows: undefined };
  const viaVector = new Float32Array(64);
  poolSentence(s, plain, uniformWeight, keep, "mean", viaVector, got);
  for (let j = 0; j < 64; j++) {
    assert.ok(Math.abs(viaArena[j] - viaVector[j]) < 1e-6);
  }
});
