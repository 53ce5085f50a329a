import "../temp_cache.ts";
import assert from "node:assert/strict";
import { poolContextual } from "../../src/aggregate/contextual_pool.ts";
import { layerWeights, mixStates } from "../../src/aggregate/layer_mix.ts";

// A left-padded batch of 2 rows × 3 positions × 2 dims, written by hand:
// row 0 = [pad, a, b], row 1 = [c, d, e].
const states = Float32Array.of(
  9,
  9,
  /* pad */ 1,
  2,
  /* a */ 3,
  6, /* b */
  0,
  1,
  /* c */ 2,
  0,
  /* d */ 4,
  5, /* e */
);
const mask = Uint8Array.of(0, 1, 1, 1, 1, 1);
const sentence = (tokens: string[], special: number[] = []) => ({
  tokens,
  ids: Uint32Array.from(tokens, (_, i) => 10 + i),
  special: Uint8Array.from(tokens, (_, i) => special.includes(i) ? 1 : 0),
});
const all = () => true;
const one = () => 1;

const pool = (
  row: number,
  tokens: string[],
  pooling: Parameters<typeof poolContextual>[2],
  opts: {
    keep?: (t: string, s: boolean) => boolean;
    weight?: (t: string) => number;
    maskId?: number;
    special?: number[];
  } = {},
) => {
  const out = new Float32Array(2);
  const ok = poolContextual(
    sentence(tokens, opts.special),
    { states, seq: 3, dim: 2, row, mask },
    pooling,
    opts.weight ?? one,
    opts.keep ?? all,
    opts.maskId,
    out,
  );
  return ok ? [...out] : undefined;
};

Deno.test("cls, last and mean read real positions under left padding", () => {
  assert.deepEqual(pool(0, ["a", "b"], "cls"), [1, 2]);
  assert.deepEqual(pool(0, ["a", "b"], "last"), [3, 6]);
  assert.deepEqual(pool(0, ["a", "b"], "mean"), [2, 4]);
  assert.deepEqual(pool(1, ["c", "d", "e"], "max"), [4, 5]);
  assert.deepEqual(pool(1, ["c", "d", "e"], "last"), [4, 5]);
  // meanSqrtLen: (0+2+4, 1+0+5) / √3.
  const m = pool(1, ["c", "d", "e"], "meanSqrtLen")!;
  assert.ok(
    Math.abs(m[0] - 6 / Math.sqrt(3)) < 1e-6 &&
      Math.abs(m[1] - 6 / Math.sqrt(3)) < 1e-6,
  );
});

Deno.test("weights and filters apply to contextual vectors; [MASK] is found by id", () => {
  // Weights 1 (c), 3 (e), d filtered: (0·1 + 4·3, 1·1 + 5·3) / 4.
  assert.deepEqual(
    pool(1, ["c", "d", "e"], "mean", {
      keep: (t) => t !== "d",
      weight: (t) => (t === "e" ? 3 : 1),
    }),
    [3, 4],
  );
  // Every token filtered out: falls back to the unfiltered mean.
  assert.deepEqual(pool(0, ["a", "b"], "mean", { keep: () => false }), [2, 4]);
  // Token ids are 10, 11, 12: [MASK] = 11 is "d", position 1 of row 1.
  assert.deepEqual(pool(1, ["c", "d", "e"], "mask", { maskId: 11 }), [2, 0]);
  assert.equal(pool(1, ["c", "d", "e"], "mask", { maskId: 99 }), undefined);
});

Deno.test("a layer mix is the weighted sum of the states", () => {
  // Three states of 2 values each: [1, 2], [3, 4], [5, 6].
  const data = Float32Array.of(1, 2, 3, 4, 5, 6);
  // First-last defaults to states 1 and L: ([3, 4] + [5, 6]) / 2.
  assert.deepEqual([
    ...mixStates(data, 3, layerWeights({ _tag: "firstLast" }, 3)),
  ], [4, 5]);
  assert.deepEqual([
    ...mixStates(data, 3, layerWeights({ _tag: "mix", weights: [1, 0, 1] }, 3)),
  ], [3, 4]);
  assert.deepEqual([
    ...mixStates(
      data,
      3,
      layerWeights({ _tag: "layers", indices: [0, -1] }, 3),
    ),
  ], [3, 4]);
  assert.deepEqual([...mixStates(data, 3, layerWeights({ _tag: "last" }, 3))], [
    5,
    6,
  ]);
  assert.throws(
    () => layerWeights({ _tag: "layers", indices: [3] }, 3),
    /out of range/,
  );
  assert.throws(
    () => layerWeights({ _tag: "mix", weights: [1, 1] }, 3),
    /needs 3 weights/,
  );
});
