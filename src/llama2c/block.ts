import { headSize, kvDim, type LlamaConfig } from "./config.ts";
import { matVec, rmsNorm, siluGate } from "./kernels.ts";
import { applyRope, type RopeTable } from "./rope.ts";
import type { LlamaWeights } from "./weights.ts";

// One decoder layer split at the attention, so that a KV-cache stepper
// (token-major) and a whole-batch forward (layer-major) share every kernel.

/** Per-token work buffers, reused across tokens and layers. */
export interface Scratch {
  readonly normed: Float32Array;
  readonly mixed: Float32Array;
  readonly projected: Float32Array;
  readonly gate: Float32Array;
  readonly up: Float32Array;
  readonly scores: Float32Array;
}

export const scratchFor = (c: LlamaConfig, maxKeys: number): Scratch => ({
  normed: new Float32Array(c.dim),
  mixed: new Float32Array(c.nHeads * headSize(c)),
  projected: new Float32Array(c.dim),
  gate: new Float32Array(c.hiddenDim),
  up: new Float32Array(c.hiddenDim),
  scores: new Float32Array(maxKeys),
});

/** Where one token's rotated query and its key/value rows go. */
export interface QkvTarget {
  readonly q: Float32Array;
  readonly qAt: number;
  readonly k: Float32Array;
  readonly v: Float32Array;
  readonly kvAt: number;
}

/** RMSNorm of the residual row x[xAt…], then q, k, v with RoPE at `pos`. */
export const projectQkv = (
  w: LlamaWeights,
  l: number,
  x: Float32Array,
  xAt: number,
  pos: number,
  rope: RopeTable,
  s: Scratch,
  t: QkvTarget,
): void => {
  const c = w.config;
  const layer = w.layers[l];
  const hs = headSize(c);
  const kvd = kvDim(c);
  rmsNorm(s.normed, 0, x, xAt, layer.attnNorm, c.dim, c.normEps);
  matVec(t.q, t.qAt, layer.wq, c.nHeads * hs, c.dim, s.normed, 0);
  matVec(t.k, t.kvAt, layer.wk, kvd, c.dim, s.normed, 0);
  matVec(t.v, t.kvAt, layer.wv, kvd, c.dim, s.normed, 0);
  applyRope(t.q, t.qAt, c.nHeads, pos, rope, w.rope);
  applyRope(t.k, t.kvAt, c.nKvHeads, pos, rope, w.rope);
};

/**
 * Which key rows a query sees: rows [0, count) of a K/V buffer starting at
 * row `first`, minus those whose `mask` entry is 0 (the query's own row,
 * `self`, always counts, so a padding query still has one key).
 */
export interface KeyRange {
  readonly first: number;
  readonly count: number;
  readonly mask: Uint8Array | null;
  readonly maskAt: number;
  readonly self: number;
}

/** Grouped-query attention of one query into `s.mixed` (head h reads kv head h / (nHeads/nKvHeads)). */
export const attend = (
  c: LlamaConfig,
  q: Float32Array,
  qAt: number,
  keys: Float32Array,
  values: Float32Array,
  range: KeyRange,
  s: Scratch,
): void => {
  const hs = headSize(c);
  const kvd = kvDim(c);
  const group = c.nHeads / c.nKvHeads;
  const scale = 1 / Math.sqrt(hs);
  const { first, count, mask, maskAt, self } = range;
  const seen = (t: number) =>
    mask === null || mask[maskAt + t] === 1 || t === self;
  for (let h = 0; h < c.nHeads; h++) {
    const qh = qAt + h * hs;
    const kvOff = Math.floor(h / group) * hs;
    let max = -Infinity;
    for (let t = 0; t < count; t++) {
      if (!seen(t)) continue;
      const kt = (first + t) * kvd + kvOff;
      let dot = 0;
      for (let i = 0; i < hs; i++) dot += q[qh + i] * keys[kt + i];
      s.scores[t] = dot * scale;
      if (s.scores[t] > max) max = s.scores[t];
    }
    let sum = 0;
    for (let t = 0; t < count; t++) {
      if (!seen(t)) continue;
      s.scores[t] = Math.exp(s.scores[t] - max);
      sum += s.scores[t];
    }
    const out = h * hs;
    s.mixed.fill(0, out, out + hs);
    for (let t = 0; t < count; t++) {
      if (!seen(t)) continue;
      const a = s.scores[t] / sum;
      const vt = (first + t) * kvd + kvOff;
      for (let i = 0; i < hs; i++) s.mixed[out + i] += a * values[vt + i];
    }
  }
};

/** The rest of the layer on row x[xAt…]: add wo·mixed, then the SwiGLU FFN of its RMSNorm. */
export const finishLayer = (
  w: LlamaWeights,
  l: number,
  x: Float32Array,
  xAt: number,
  s: Scratch,
): void => {
  const c = w.config;
  const layer = w.layers[l];
  matVec(s.projected, 0, layer.wo, c.dim, c.nHeads * headSize(c), s.mixed, 0);
  for (let i = 0; i < c.dim; i++) x[xAt + i] += s.projected[i];
  rmsNorm(s.normed, 0, x, xAt, layer.ffnNorm, c.dim, c.normEps);
  matVec(s.gate, 0, layer.w1, c.hiddenDim, c.dim, s.normed, 0);
  matVec(s.up, 0, layer.w3, c.hiddenDim, c.dim, s.normed, 0);
  siluGate(s.gate, s.up, c.hiddenDim);
  matVec(s.projected, 0, layer.w2, c.dim, c.hiddenDim, s.gate, 0);
  for (let i = 0; i < c.dim; i++) x[xAt + i] += s.projected[i];
};

/** Final RMSNorm of a residual row and the classifier: logits[vocabSize]. */
export const logitsOf = (
  w: LlamaWeights,
  x: Float32Array,
  xAt: number,
  out: Float32Array,
  s: Scratch,
): void => {
  const c = w.config;
  rmsNorm(s.normed, 0, x, xAt, w.finalNorm, c.dim, c.normEps);
  matVec(out, 0, w.classifier, c.vocabSize, c.dim, s.normed, 0);
};
