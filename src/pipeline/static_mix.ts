import { type Embeddings, fromData } from "../embeddings.ts";

/**
 * (1 − w)·ĉ + w·ŝ row by row, with ĉ and ŝ the unit-length rows of the
 * contextual and static batches ("BERT+Avg.", METHODS §5). Unit length
 * first, so the weight means the same whatever the two norms are.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fromData } from "../embeddings.ts";
 * import { mixUnit } from "./static_mix.ts";
 * const c = fromData(1, 2, Float32Array.of(3, 4)); // ĉ = (0.6, 0.8)
 * const s = fromData(1, 2, Float32Array.of(0, 2)); // ŝ = (0, 1)
 * assert.deepEqual(mixUnit(c, s, 0.5).data, Float32Array.of(0.3, 0.9));
 * ```
 */
export const mixUnit = (
  contextual: Embeddings,
  stat: Embeddings,
  weight: number,
): Embeddings => {
  if (contextual.rows !== stat.rows || contextual.dim !== stat.dim) {
    throw new RangeError(
      `cannot mix ${contextual.rows}x${contextual.dim} with ${stat.rows}x${stat.dim}`,
    );
  }
  const { rows, dim } = contextual;
  const out = new Float32Array(rows * dim);
  for (let i = 0; i < rows; i++) {
    let nc = 0, ns = 0;
    for (let j = 0; j < dim; j++) {
      nc += contextual.data[i * dim + j] ** 2;
      ns += stat.data[i * dim + j] ** 2;
    }
    const a = nc > 0 ? (1 - weight) / Math.sqrt(nc) : 0;
    const b = ns > 0 ? weight / Math.sqrt(ns) : 0;
    for (let j = 0; j < dim; j++) {
      out[i * dim + j] = a * contextual.data[i * dim + j] +
        b * stat.data[i * dim + j];
    }
  }
  return fromData(rows, dim, out);
};
