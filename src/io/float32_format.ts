/**
 * Shortest round-trip decimals for float32 values: the fewest significant
 * digits whose decimal, parsed and rounded to float32, gives the value back.
 * A float32 written with float64 digits (0.10000000149011612) is three times
 * longer than it needs to be (0.1).
 */

const bits = new Uint32Array(1);
const asFloat = new Float32Array(bits.buffer);

/** `v` (a float32 value) has a zero mantissa: its rounding interval is lopsided. */
const isPowerOfTwo = (v: number): boolean => {
  asFloat[0] = v;
  return (bits[0] & 0x7fffff) === 0;
};

const roundTrips = (s: string, v: number): boolean =>
  Math.fround(Number(s)) === v;

/**
 * Near a power of two the rounding interval is twice as wide above as below,
 * so the nearest p-digit decimal can miss while the next one up still hits.
 */
const neighbourAt = (v: number, p: number): string | undefined => {
  const [mantissa, exp = "0"] = v.toExponential(p - 1).split("e");
  const digits = BigInt(mantissa.replace(".", "").replace("-", ""));
  const sign = v < 0 ? "-" : "";
  const scale = Number(exp) - (p - 1);
  for (const d of [digits + 1n, digits - 1n]) {
    if (d <= 0n) continue;
    const s = `${sign}${d}e${scale}`;
    if (roundTrips(s, v)) return s;
  }
  return undefined;
};

const shortestSlow = (v: number): string => {
  for (let p = 1; p <= 9; p++) {
    const s = v.toPrecision(p);
    if (roundTrips(s, v)) return s;
    const n = neighbourAt(v, p);
    if (n !== undefined) return n;
  }
  return v.toPrecision(9);
};

/**
 * Digits of `v`: counting down from 8 digits until a precision fails. Off a
 * power of two the round trip is monotone in the precision (a p+1-digit
 * rounding is never farther than the p-digit one, and the interval is
 * symmetric), so the first failure bounds the shortest from below.
 */
const shortest = (v: number): string => {
  if (isPowerOfTwo(v)) return shortestSlow(v);
  const s8 = v.toPrecision(8);
  if (!roundTrips(s8, v)) return v.toPrecision(9);
  let best = s8;
  for (let p = 7; p >= 1; p--) {
    const s = v.toPrecision(p);
    if (!roundTrips(s, v)) break;
    best = s;
  }
  return best;
};

/**
 * The shortest decimal that parses back (rounded to float32) to `v`, in JS
 * number syntax (valid JSON). `v` must be a finite float32 value.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatFloat32 } from "./float32_format.ts";
 *
 * const v = Math.fround(0.1); // 0.10000000149011612 as a float64
 * assert.equal(formatFloat32(v), "0.1");
 * assert.equal(formatFloat32(Math.fround(1 / 3)), "0.33333334");
 * assert.equal(Math.fround(Number(formatFloat32(Math.fround(1e-40)))), Math.fround(1e-40));
 * ```
 */
export const formatFloat32 = (v: number): string => {
  if (v === 0) return Object.is(v, -0) ? "-0" : "0";
  if (!Number.isFinite(v) || Math.fround(v) !== v) {
    throw new RangeError(`${v} is not a finite float32 value`);
  }
  // Number(...) drops trailing zeros and picks JS's plain or exponent form.
  return String(Number(shortest(v)));
};
