import type { Embeddings } from "../embeddings.ts";
import type { Gemm } from "./gemm.ts";

/**
 * How evenly a set of sentence vectors fills its space (METHODS §5):
 *
 * - `meanCosine`: the mean cosine over all pairs of distinct vectors; near 0
 *   for an isotropic space, near 1 when every vector points the same way
 *   (the "narrow cone" of raw transformer embeddings). Exact, in O(n·d),
 *   from ‖Σ x̂ᵢ‖² = n + Σ_{i≠j} cos(xᵢ, xⱼ).
 * - `effectiveDimRatio`: the participation ratio of the covariance spectrum,
 *   (Σλ)² / Σλ², divided by the dimension: 1 when variance is spread equally
 *   over every direction, 1/d when it lies on one line.
 */
export interface Isotropy {
  /** The mean pairwise cosine of the vectors. */
  readonly meanCosine: number;
  /** The covariance spectrum's participation ratio over the dimension. */
  readonly effectiveDimRatio: number;
  /** The number of vectors measured. */
  readonly rows: number;
}

/** Measures how isotropic a set of vectors is (see {@link Isotropy}). */
export const isotropy = async (
  gemm: Gemm,
  e: Embeddings,
): Promise<Isotropy> => {
  const { rows: n, dim: d, data } = e;
  if (n < 2) throw new RangeError(`isotropy needs 2+ vectors, got ${n}`);
  const sum = new Float64Array(d);
  const mean = new Float64Array(d);
  let nonzero = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += data[i * d + j] ** 2;
    if (s > 0) nonzero++;
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let j = 0; j < d; j++) {
      sum[j] += data[i * d + j] * inv;
      mean[j] += data[i * d + j] / n;
    }
  }
  let s2 = 0;
  for (let j = 0; j < d; j++) s2 += sum[j] * sum[j];
  const meanCosine = (s2 - nonzero) / (n * (n - 1));

  // Σλ = trace of the covariance; Σλ² = ‖XcᵀXc‖²_F / n² = ‖XcXcᵀ‖²_F / n²:
  // whichever Gram matrix is smaller.
  const xc = new Float32Array(n * d);
  let trace = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      const v = data[i * d + j] - mean[j];
      xc[i * d + j] = v;
      trace += v * v;
    }
  }
  trace /= n;
  const gram = n <= d
    ? await gemm.nt(xc, n, d, xc, n)
    : await gemm.tn(xc, n, d, xc, d);
  let frob = 0;
  for (const v of gram) frob += v * v;
  frob /= n * n;
  return {
    meanCosine,
    effectiveDimRatio: frob > 0 ? (trace * trace) / frob / d : 0,
    rows: n,
  };
};
