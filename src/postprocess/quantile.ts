import type { Embeddings } from "../embeddings.ts";

/**
 * The `m` quantiles of each column at probabilities j/(m−1), with linear
 * interpolation between order statistics (NumPy's default percentile rule,
 * as scikit-learn's QuantileTransformer uses). dim × m row-major.
 */
export const fitQuantiles = (x: Embeddings, m: number): Float32Array => {
  const out = new Float32Array(x.dim * m);
  const col = new Float64Array(x.rows);
  for (let j = 0; j < x.dim; j++) {
    for (let r = 0; r < x.rows; r++) col[r] = x.data[r * x.dim + j];
    col.sort();
    for (let q = 0; q < m; q++) {
      const pos = (q / (m - 1)) * (x.rows - 1);
      const lo = Math.floor(pos);
      const hi = Math.min(lo + 1, x.rows - 1);
      out[j * m + q] = col[lo] + (pos - lo) * (col[hi] - col[lo]);
    }
  }
  return out;
};

/**
 * Empirical CDF of `v` against one dimension's quantiles `q[from, from+m)`,
 * in [0, 1]. A value equal to a run of tied quantiles maps to the middle of
 * the run (scikit-learn averages its forward and backward interpolation for
 * the same reason: a constant dimension must not map to 0).
 */
export const cdf = (
  q: Float32Array,
  from: number,
  m: number,
  v: number,
): number => {
  if (v <= q[from]) {
    if (v < q[from]) return 0;
  } else if (v >= q[from + m - 1]) {
    if (v > q[from + m - 1]) return 1;
  }
  // first index with q >= v
  let lo = 0, hi = m;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (q[from + mid] < v) lo = mid + 1;
    else hi = mid;
  }
  const first = lo;
  if (q[from + first] === v) {
    let last = first;
    // last index with q <= v
    lo = first;
    hi = m;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (q[from + mid] <= v) lo = mid + 1;
      else hi = mid;
    }
    last = lo - 1;
    return (first + last) / 2 / (m - 1);
  }
  const a = q[from + first - 1], b = q[from + first];
  return (first - 1 + (v - a) / (b - a)) / (m - 1);
};
