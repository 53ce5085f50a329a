import "../temp_cache.ts";
import assert from "node:assert/strict";
import { poolSentence } from "../../src/aggregate/pool.ts";
import { tokenFilter } from "../../src/aggregate/token_filter.ts";
import { uniformWeight } from "../../src/aggregate/weighting.ts";
import { handRows, handTable, sentence } from "./fake_encoder.ts";

const TABLE: Record<string, [number, number]> = {
  "[CLS]": [100, 100],
  the: [1, 0],
  cat: [0, 2],
  sat: [4, 4],
  ".": [-8, -8],
  "[SEP]": [100, 100],
};
const enc = handTable(TABLE);
const keepAll = tokenFilter({
  special: true,
  punctuation: false,
  subwords: false,
  drop: new Set(),
});
const s = sentence(["[CLS]", "the", "cat", "sat", ".", "[SEP]"], [0, 5]);
const pool = (
  weight = uniformWeight,
  keep = keepAll,
  pooling: "mean" | "max" = "mean",
  encoder = enc,
) => {
  const out = new Float32Array(2);
  const used = poolSentence(
    s,
    encoder,
    weight,
    keep,
    pooling,
    out,
    new Float32Array(2),
  );
  return { used, v: Array.from(out) };
};

Deno.test("mean over non-special tokens, worked by hand", () => {
  // (the + cat + sat + .) / 4 = ((1+0+4-8)/4, (0+2+4-8)/4) = (-0.75, -0.5)
  assert.deepEqual(pool(), { used: 4, v: [-0.75, -0.5] });
});

Deno.test("weighted mean is Σ w v / Σ w", () => {
  const w = (t: string) =>
    ({ the: 0, cat: 1, sat: 3, ".": 0 } as Record<string, number>)[t];
  // (1*(0,2) + 3*(4,4)) / 4 = (3, 3.5)
  assert.deepEqual(pool(w), { used: 4, v: [3, 3.5] });
});

Deno.test("max pooling is component-wise over kept tokens", () => {
  const noPunct = tokenFilter({
    special: true,
    punctuation: true,
    subwords: false,
    drop: new Set(),
  });
  assert.deepEqual(pool(uniformWeight, noPunct, "max"), { used: 3, v: [4, 4] });
});

Deno.test("a filter that drops everything falls back to the unfiltered sentence", () => {
  const dropAll = tokenFilter({
    special: true,
    punctuation: true,
    subwords: false,
    drop: new Set(["the", "cat", "sat"]),
  });
  assert.deepEqual(pool(uniformWeight, dropAll), { used: 4, v: [-0.75, -0.5] });
});

Deno.test("all-zero weights fall back to an unweighted mean", () => {
  assert.deepEqual(pool(() => 0), { used: 4, v: [-0.75, -0.5] });
});

Deno.test("tokens the table does not know are skipped; none known gives zeros", () => {
  const out = new Float32Array(2);
  const used = poolSentence(
    sentence(["zebra", "cat"]),
    enc,
    uniformWeight,
    keepAll,
    "mean",
    out,
    new Float32Array(2),
  );
  assert.equal(used, 1);
  assert.deepEqual(Array.from(out), [0, 2]);
  const none = poolSentence(
    sentence(["zebra"]),
    enc,
    uniformWeight,
    keepAll,
    "max",
    out,
    new Float32Array(2),
  );
  assert.equal(none, 0);
  assert.deepEqual(Array.from(out), [0, 0]);
});

Deno.test("tables that hand out their rows pool to the same hand-worked means", () => {
  const rows = handRows(TABLE);
  const w = (t: string) =>
    ({ the: 0, cat: 1, sat: 3, ".": 0 } as Record<string, number>)[t];
  const dropAll = tokenFilter({
    special: true,
    punctuation: true,
    subwords: false,
    drop: new Set(["the", "cat", "sat"]),
  });
  const mean = { used: 4, v: [-0.75, -0.5] };
  assert.deepEqual(pool(uniformWeight, keepAll, "mean", rows), mean);
  assert.deepEqual(pool(w, keepAll, "mean", rows), { used: 4, v: [3, 3.5] });
  assert.deepEqual(pool(uniformWeight, dropAll, "mean", rows), mean);
  assert.deepEqual(pool(() => 0, keepAll, "mean", rows), mean);
});

Deno.test("a repeated token counts once per occurrence, its row summed once", () => {
  const out = new Float32Array(2);
  const weights: Record<string, number> = { cat: 1, sat: 2, the: 0.5 };
  const used = poolSentence(
    sentence(["cat", "the", "cat", "sat", "cat"]),
    handRows(TABLE),
    (t) => weights[t],
    keepAll,
    "mean",
    out,
    new Float32Array(2),
  );
  // (3·1·(0,2) + 0.5·(1,0) + 2·(4,4)) / (3 + 0.5 + 2) = (8.5, 14) / 5.5
  assert.equal(used, 5);
  assert.ok(Math.abs(out[0] - 8.5 / 5.5) < 1e-6);
  assert.ok(Math.abs(out[1] - 14 / 5.5) < 1e-6);
});

Deno.test("more than eight distinct rows: the blocked sum equals a plain one", () => {
  const table: Record<string, [number, number]> = {};
  const tokens: string[] = [];
  for (let i = 0; i < 21; i++) {
    table[`w${i}`] = [i * 0.37 - 3, Math.sin(i)];
    tokens.push(`w${i}`);
  }
  const weight = (t: string) => 1 + Number(t.slice(1)) / 7;
  const out = new Float32Array(2);
  poolSentence(
    sentence(tokens),
    handRows(table),
    weight,
    keepAll,
    "mean",
    out,
    new Float32Array(2),
  );
  let x = 0, y = 0, sum = 0;
  for (const t of tokens) {
    x += weight(t) * table[t][0];
    y += weight(t) * table[t][1];
    sum += weight(t);
  }
  assert.ok(Math.abs(out[0] - x / sum) < 1e-6);
  assert.ok(Math.abs(out[1] - y / sum) < 1e-6);
});
