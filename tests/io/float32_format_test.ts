import "../temp_cache.ts";
import assert from "node:assert/strict";
import { formatFloat32 } from "../../src/io/float32_format.ts";

const bits = new Uint32Array(1);
const asFloat = new Float32Array(bits.buffer);
const fromBits = (b: number) => {
  bits[0] = b >>> 0;
  return asFloat[0];
};

/** Significant digits of a decimal string. */
const digits = (s: string) =>
  s.replace(/^-/, "").replace(/e.*$/, "").replace(".", "").replace(/^0+/, "")
    .replace(/0+$/, "").length;

/** Whether some decimal of `p` significant digits parses back to `v`. */
const anyOfPrecision = (v: number, p: number): boolean => {
  const [m, e] = v.toExponential(p - 1).split("e");
  const n = BigInt(m.replace(".", "").replace("-", ""));
  const sign = v < 0 ? "-" : "";
  // The nearest p-digit decimals lie among the rounding and its neighbours.
  return [n - 1n, n, n + 1n].some((d) =>
    d > 0n && Math.fround(Number(`${sign}${d}e${Number(e) - p + 1}`)) === v
  );
};

const check = (v: number) => {
  const s = formatFloat32(v);
  assert.equal(Math.fround(Number(s)), v, `${s} does not parse back to ${v}`);
  assert.equal(JSON.parse(s), Number(s), `${s} is not JSON`);
  const p = digits(s);
  for (let q = 1; q < p; q++) {
    assert.ok(!anyOfPrecision(v, q), `${v}: ${q} digits do, ${s} has ${p}`);
  }
};

Deno.test("formatFloat32 is the shortest round-trip decimal (random float32 values)", () => {
  let s = 12345;
  const rand = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0);
  let tested = 0;
  while (tested < 100_000) {
    const v = fromBits(rand());
    if (!Number.isFinite(v) || v === 0) continue;
    check(v);
    tested++;
  }
});

Deno.test("formatFloat32 is the shortest for embedding-like values", () => {
  let s = 99;
  const rand = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  for (let i = 0; i < 50_000; i++) check(Math.fround((rand() - 0.5) * 0.2));
});

Deno.test("formatFloat32 edge values: zeros, powers of two, subnormals, extremes", () => {
  assert.equal(formatFloat32(0), "0");
  assert.equal(formatFloat32(-0), "-0");
  assert.equal(formatFloat32(Math.fround(0.1)), "0.1");
  assert.equal(formatFloat32(Math.fround(-1.5)), "-1.5");
  assert.equal(formatFloat32(Math.fround(1 / 3)), "0.33333334");
  assert.equal(formatFloat32(fromBits(1)), "1e-45", "smallest subnormal");
  assert.equal(formatFloat32(fromBits(0x7f7fffff)), "3.4028235e+38", "largest");
  // Near a power of two the rounding interval is lopsided: the nearest
  // 8-digit decimal of 2^-96 misses, the next one up hits.
  assert.equal(formatFloat32(2 ** -96), "1.2621775e-29");
  for (let e = -149; e <= 127; e++) {
    check(2 ** e);
    check(-(2 ** e));
    check(Math.fround(2 ** e * (1 + 2 ** -23)));
  }
});

Deno.test("formatFloat32 refuses what is not a finite float32", () => {
  for (const v of [NaN, Infinity, -Infinity, 0.1]) {
    assert.throws(() => formatFloat32(v), RangeError);
  }
});
