import "../temp_cache.ts";
import assert from "node:assert/strict";
import {
  randomEncoder,
  randomVector,
} from "../../src/static/random_encoder.ts";

// An independent reference in BigInt arithmetic: the same murmur3 finaliser
// and key schedule, computed with exact integers mod 2^32 instead of
// Math.imul and unsigned shifts.
const M = 0xffffffffn;
const mul = (a: bigint, b: bigint) => (a * b) & M;
const fmix = (h: bigint) => {
  h ^= h >> 16n;
  h = mul(h, 0x85ebca6bn);
  h ^= h >> 13n;
  h = mul(h, 0xc2b2ae35n);
  return h ^ (h >> 16n);
};
const reference = (seed: number, id: number, dim: number): number[] => {
  const base = fmix((BigInt(seed) ^ mul(BigInt(id), 0x9e3779b1n)) & M);
  return Array.from({ length: dim }, (_, j) => {
    const h = fmix((base + mul(BigInt(j + 1), 0x27d4eb2fn)) & M);
    return Math.fround((Number(h) / 2 ** 32) * 2 - 1);
  });
};

Deno.test("random vectors equal an exact-integer reference, bit for bit", () => {
  for (
    const [seed, id] of [[1, 0], [1, 101], [7, 0xffffffff], [123456, 2088]]
  ) {
    const v = new Float32Array(16);
    randomVector(seed, id, v);
    assert.deepEqual(Array.from(v), reference(seed, id, 16), `${seed}/${id}`);
  }
});

Deno.test("random vectors are uniform on [-1, 1) and nearly orthogonal", () => {
  const dim = 4096;
  const a = new Float32Array(dim), b = new Float32Array(dim);
  randomVector(1, 10, a);
  randomVector(1, 11, b);
  let sum = 0, sq = 0, dot = 0, na = 0, nb = 0;
  for (let j = 0; j < dim; j++) {
    assert.ok(a[j] >= -1 && a[j] < 1);
    sum += a[j];
    sq += a[j] * a[j];
    dot += a[j] * b[j];
    na += a[j] * a[j];
    nb += b[j] * b[j];
  }
  // Uniform(-1,1): mean 0, variance 1/3; std of the sample mean is 0.009.
  assert.ok(Math.abs(sum / dim) < 0.04, `mean ${sum / dim}`);
  assert.ok(Math.abs(sq / dim - 1 / 3) < 0.03, `variance ${sq / dim}`);
  // Cosine of independent vectors has std 1/sqrt(dim) = 0.016.
  assert.ok(Math.abs(dot / Math.sqrt(na * nb)) < 0.07);
});

Deno.test("the encoder caches but returns the seeded vector for any id order", () => {
  const enc = randomEncoder({ dim: 8, seed: 3 });
  const first = new Float32Array(8), again = new Float32Array(8);
  const direct = new Float32Array(8);
  enc.vector(5, "x", first);
  enc.vector(6, "y", again);
  enc.vector(5, "x", again);
  randomVector(3, 5, direct);
  assert.deepEqual(first, direct);
  assert.deepEqual(again, direct);
  const other = new Float32Array(8);
  randomEncoder({ dim: 8, seed: 4 }).vector(5, "x", other);
  assert.notDeepEqual(other, direct);
});

Deno.test("past its cache, the encoder pools the same vectors from scratch rows", async () => {
  const { poolSentence } = await import("../../src/aggregate/pool.ts");
  const dim = 24;
  const capped = randomEncoder({ dim, seed: 3, cacheRows: 4 });
  const full = randomEncoder({ dim, seed: 3 });
  const sentence = (ids: number[]) => ({
    tokens: ids.map(String),
    ids: Uint32Array.from(ids),
    special: new Uint8Array(ids.length),
  });
  // Ids past the first four are scratch: repeated ones, many in one
  // sentence, and ones seen again in later sentences.
  const sentences = [
    [1, 2, 3],
    [4, 5, 6, 5, 7, 8, 9, 10, 11, 12, 1, 13],
    [20, 21, 22],
    [5, 2, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41],
  ].map(sentence);
  const pooled = (e: typeof full) =>
    sentences.map((s) => {
      const out = new Float32Array(dim);
      poolSentence(
        s,
        e,
        (t) => 1 + t.length,
        () => true,
        "mean",
        out,
        new Float32Array(dim),
      );
      return Array.from(out);
    });
  assert.deepEqual(pooled(capped), pooled(full));
  const v = new Float32Array(dim), w = new Float32Array(dim);
  capped.vector(99, "99", v);
  randomVector(3, 99, w);
  assert.deepEqual(v, w);
});
