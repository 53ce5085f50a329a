// Plain loops over Float32Array with explicit offsets, so callers address rows
// of larger buffers without allocating views in hot loops. Sums run in double
// precision and are rounded to fp32 when stored.

/** out[outAt + i] = Σ_j w[i·cols + j] · x[xAt + j] for i < rows. */
export const matVec = (
  out: Float32Array,
  outAt: number,
  w: Float32Array,
  rows: number,
  cols: number,
  x: Float32Array,
  xAt: number,
): void => {
  for (let i = 0; i < rows; i++) {
    const row = i * cols;
    let sum = 0;
    for (let j = 0; j < cols; j++) sum += w[row + j] * x[xAt + j];
    out[outAt + i] = sum;
  }
};

/** out = weight ⊙ x / sqrt(mean(x²) + eps), on n values. */
export const rmsNorm = (
  out: Float32Array,
  outAt: number,
  x: Float32Array,
  xAt: number,
  weight: Float32Array,
  n: number,
  eps: number,
): void => {
  let ss = 0;
  for (let j = 0; j < n; j++) ss += x[xAt + j] * x[xAt + j];
  const scale = 1 / Math.sqrt(ss / n + eps);
  for (let j = 0; j < n; j++) out[outAt + j] = weight[j] * (scale * x[xAt + j]);
};

/** SwiGLU's gate in place: gate[i] = silu(gate[i]) · up[i]. */
export const siluGate = (
  gate: Float32Array,
  up: Float32Array,
  n: number,
): void => {
  for (let i = 0; i < n; i++) {
    const g = gate[i];
    gate[i] = (g / (1 + Math.exp(-g))) * up[i];
  }
};

/** Index of the first maximum, as llama2.c's sample_argmax breaks ties. */
export const argmax = (x: Float32Array): number => {
  let best = 0;
  for (let i = 1; i < x.length; i++) if (x[i] > x[best]) best = i;
  return best;
};
