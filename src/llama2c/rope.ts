import type { RopeLayout } from "./weights.ts";

/** cos/sin of every (position, pair) angle: [positions, headSize/2] each. */
export interface RopeTable {
  readonly cos: Float32Array;
  readonly sin: Float32Array;
  readonly pairs: number;
  readonly positions: number;
}

/**
 * Angles as llama2.c computes them, in fp32 at each step (freq =
 * 1/theta^(2i/headSize), angle = pos·freq), so rotations match its run.c.
 */
export const ropeTable = (
  headSize: number,
  positions: number,
  theta: number,
): RopeTable => {
  const pairs = headSize / 2;
  const cos = new Float32Array(positions * pairs);
  const sin = new Float32Array(positions * pairs);
  const f = Math.fround;
  for (let i = 0; i < pairs; i++) {
    const freq = f(1 / f(Math.pow(theta, f((2 * i) / headSize))));
    for (let p = 0; p < positions; p++) {
      const angle = f(p * freq);
      cos[p * pairs + i] = Math.cos(angle);
      sin[p * pairs + i] = Math.sin(angle);
    }
  }
  return { cos, sin, pairs, positions };
};

/**
 * Rotates `heads` consecutive heads of `vec` starting at `at` for position
 * `pos`; `layout` says which two dimensions of a head form pair i.
 */
export const applyRope = (
  vec: Float32Array,
  at: number,
  heads: number,
  pos: number,
  table: RopeTable,
  layout: RopeLayout,
): void => {
  const { pairs } = table;
  if (pos >= table.positions) {
    throw new RangeError(
      `RoPE position ${pos} is beyond the table's ${table.positions} positions`,
    );
  }
  const row = pos * pairs;
  for (let h = 0; h < heads; h++) {
    const base = at + h * 2 * pairs;
    for (let i = 0; i < pairs; i++) {
      const a = layout === "adjacent-pairs" ? base + 2 * i : base + i;
      const b = layout === "adjacent-pairs" ? a + 1 : a + pairs;
      const c = table.cos[row + i];
      const s = table.sin[row + i];
      const v0 = vec[a];
      const v1 = vec[b];
      vec[a] = v0 * c - v1 * s;
      vec[b] = v0 * s + v1 * c;
    }
  }
};
