import type { HiddenStates } from "../../src/llama2c/mod.ts";

export const maxAbsDiff = (
  a: ArrayLike<number>,
  b: ArrayLike<number>,
): number => {
  if (a.length !== b.length) {
    throw new RangeError(`lengths ${a.length} and ${b.length} differ`);
  }
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

/** The dim-vector of layer l, batch row r, position t. */
export const rowOf = (
  h: HiddenStates,
  l: number,
  r: number,
  t: number,
): Float32Array => {
  const [, rows, seq, d] = h.shape;
  const at = ((l * rows + r) * seq + t) * d;
  return h.data.subarray(at, at + d);
};
