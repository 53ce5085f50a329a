import type { Linear } from "../../src/onnx/fixture/random.ts";

/**
 * Plain Float32Array kernels of the reference forward: row-major matrices,
 * float64 accumulators, no allocation inside the loops. They are written
 * for clarity and independence from ONNX Runtime, not for speed.
 */

/** `x · w + b` for `x` of shape [rows, l.inDim]; returns [rows, l.outDim]. */
export const linear = (
  x: Float32Array,
  rows: number,
  l: Linear,
): Float32Array => {
  const { inDim, outDim, w, b } = l;
  const out = new Float32Array(rows * outDim);
  const acc = new Float64Array(outDim);
  for (let r = 0; r < rows; r++) {
    if (b === undefined) acc.fill(0);
    else for (let j = 0; j < outDim; j++) acc[j] = b[j];
    for (let k = 0; k < inDim; k++) {
      const xv = x[r * inDim + k];
      const wRow = k * outDim;
      for (let j = 0; j < outDim; j++) acc[j] += xv * w[wRow + j];
    }
    out.set(acc, r * outDim);
  }
  return out;
};

/** Layer norm of each row of [rows, g.length], into a new array. */
export const layerNorm = (
  x: Float32Array,
  g: Float32Array,
  b: Float32Array,
  eps: number,
): Float32Array => {
  const d = g.length;
  const out = new Float32Array(x.length);
  for (let r = 0; r < x.length / d; r++) {
    const o = r * d;
    let mean = 0;
    for (let j = 0; j < d; j++) mean += x[o + j];
    mean /= d;
    let v = 0;
    for (let j = 0; j < d; j++) v += (x[o + j] - mean) ** 2;
    const inv = 1 / Math.sqrt(v / d + eps);
    for (let j = 0; j < d; j++) {
      out[o + j] = (x[o + j] - mean) * inv * g[j] + b[j];
    }
  }
  return out;
};

/** RMS norm of each row: x / sqrt(mean(x²) + eps) · g. */
export const rmsNorm = (
  x: Float32Array,
  g: Float32Array,
  eps: number,
): Float32Array => {
  const d = g.length;
  const out = new Float32Array(x.length);
  for (let r = 0; r < x.length / d; r++) {
    const o = r * d;
    let ms = 0;
    for (let j = 0; j < d; j++) ms += x[o + j] ** 2;
    const inv = 1 / Math.sqrt(ms / d + eps);
    for (let j = 0; j < d; j++) out[o + j] = x[o + j] * inv * g[j];
  }
  return out;
};

/** Element-wise sum into a new array. */
export const add = (a: Float32Array, b: Float32Array): Float32Array => {
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] + b[i];
  return out;
};

/** In-place map. */
export const mapInPlace = (
  x: Float32Array,
  f: (v: number) => number,
): Float32Array => {
  for (let i = 0; i < x.length; i++) x[i] = f(x[i]);
  return x;
};

/**
 * erf by Abramowitz & Stegun 7.1.26 (absolute error below 1.5e-7, far
 * inside the 1e-4 the tests allow); JavaScript's Math has no erf.
 */
export const erf = (x: number): number => {
  const s = x < 0 ? -1 : 1;
  const a = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * a);
  const y = 1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) *
          t +
        0.254829592) * t * Math.exp(-a * a);
  return s * y;
};

export const geluExact = (x: number): number =>
  0.5 * x * (1 + erf(x / Math.SQRT2));

export const geluTanh = (x: number): number =>
  0.5 * x *
  (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));

export const silu = (x: number): number => x / (1 + Math.exp(-x));

/**
 * Multi-head attention for one batch row. `q` is [seq, heads·dh], `k` and
 * `v` are [keys, kvHeads·dh]; head h reads KV head floor(h / (heads /
 * kvHeads)). `allowed(i, j)` says whether query i sees key j; when a query
 * sees no key at all every score carries the same float32-minimum bias, and
 * the weights come out uniform, as they do in the exported graphs.
 */
export const attention = (
  q: Float32Array,
  k: Float32Array,
  v: Float32Array,
  seq: number,
  keys: number,
  heads: number,
  kvHeads: number,
  dh: number,
  allowed: (i: number, j: number) => boolean,
): Float32Array => {
  const out = new Float32Array(seq * heads * dh);
  const scores = new Float64Array(keys);
  const group = heads / kvHeads;
  const scale = 1 / Math.sqrt(dh);
  for (let h = 0; h < heads; h++) {
    const kh = Math.floor(h / group);
    for (let i = 0; i < seq; i++) {
      let any = false;
      for (let j = 0; j < keys; j++) any ||= allowed(i, j);
      let max = -Infinity;
      for (let j = 0; j < keys; j++) {
        let dot = 0;
        for (let t = 0; t < dh; t++) {
          dot += q[(i * heads + h) * dh + t] * k[(j * kvHeads + kh) * dh + t];
        }
        scores[j] = !any ? 0 : allowed(i, j) ? dot * scale : -Infinity;
        if (scores[j] > max) max = scores[j];
      }
      let sum = 0;
      for (let j = 0; j < keys; j++) {
        scores[j] = Math.exp(scores[j] - max);
        sum += scores[j];
      }
      for (let t = 0; t < dh; t++) {
        let acc = 0;
        for (let j = 0; j < keys; j++) {
          acc += scores[j] * v[(j * kvHeads + kh) * dh + t];
        }
        out[(i * heads + h) * dh + t] = acc / sum;
      }
    }
  }
  return out;
};
