import type { Embeddings } from "../embeddings.ts";

/** Per-dimension mean, accumulated in float64. */
export const columnMean = (x: Embeddings): Float64Array => {
  const mean = new Float64Array(x.dim);
  for (let r = 0; r < x.rows; r++) {
    const o = r * x.dim;
    for (let j = 0; j < x.dim; j++) mean[j] += x.data[o + j];
  }
  for (let j = 0; j < x.dim; j++) mean[j] /= x.rows;
  return mean;
};

/** Per-dimension population standard deviation (divides by n). */
export const columnStd = (x: Embeddings, mean: Float64Array): Float64Array => {
  const v = new Float64Array(x.dim);
  for (let r = 0; r < x.rows; r++) {
    const o = r * x.dim;
    for (let j = 0; j < x.dim; j++) {
      const d = x.data[o + j] - mean[j];
      v[j] += d * d;
    }
  }
  for (let j = 0; j < x.dim; j++) v[j] = Math.sqrt(v[j] / x.rows);
  return v;
};

/**
 * Sample covariance (divides by n − 1, as `np.cov`), dim × dim row-major.
 * Only the upper triangle is accumulated, one rank-1 update per row, then
 * mirrored: half the work of a full Xᵀ X.
 */
export const covariance = (x: Embeddings, mean: Float64Array): Float64Array => {
  const d = x.dim;
  const cov = new Float64Array(d * d);
  const c = new Float64Array(d);
  for (let r = 0; r < x.rows; r++) {
    const o = r * d;
    for (let j = 0; j < d; j++) c[j] = x.data[o + j] - mean[j];
    for (let i = 0; i < d; i++) {
      const ci = c[i];
      if (ci === 0) continue;
      const base = i * d;
      for (let j = i; j < d; j++) cov[base + j] += ci * c[j];
    }
  }
  const denom = Math.max(1, x.rows - 1);
  for (let i = 0; i < d; i++) {
    for (let j = i; j < d; j++) {
      const v = cov[i * d + j] / denom;
      cov[i * d + j] = v;
      cov[j * d + i] = v;
    }
  }
  return cov;
};
