import { type Embeddings, zeros } from "../embeddings.ts";
import { type FittedStep, outputDim } from "./fitted.ts";
import { cdf } from "./quantile.ts";

/** Applies one fitted step to a batch, into a new batch. */
export const applyStep = (step: FittedStep, x: Embeddings): Embeddings => {
  if (x.dim !== step.dim) {
    throw new RangeError(
      `postprocess step "${step._tag}" was fitted on ${step.dim}-d vectors, got ${x.dim}-d`,
    );
  }
  const d = x.dim;
  const out = zeros(x.rows, outputDim(step));
  const src = x.data, dst = out.data;
  switch (step._tag) {
    case "center":
      for (let r = 0; r < x.rows; r++) {
        const o = r * d;
        for (let j = 0; j < d; j++) dst[o + j] = src[o + j] - step.mean[j];
      }
      break;
    case "zscore":
      for (let r = 0; r < x.rows; r++) {
        const o = r * d;
        for (let j = 0; j < d; j++) {
          dst[o + j] = (src[o + j] - step.mean[j]) * step.scale[j];
        }
      }
      break;
    case "abtt": {
      const u = step.components;
      for (let r = 0; r < x.rows; r++) {
        const o = r * d;
        for (let j = 0; j < d; j++) dst[o + j] = src[o + j] - step.mean[j];
        for (let c = 0; c < step.k; c++) {
          const uo = c * d;
          let dot = 0;
          for (let j = 0; j < d; j++) dot += dst[o + j] * u[uo + j];
          for (let j = 0; j < d; j++) dst[o + j] -= dot * u[uo + j];
        }
      }
      break;
    }
    case "whiten": {
      const k = step.k, w = step.matrix;
      for (let r = 0; r < x.rows; r++) {
        const o = r * d, oo = r * k;
        for (let i = 0; i < d; i++) {
          const c = src[o + i] - step.mean[i];
          if (c === 0) continue;
          const wo = i * k;
          for (let j = 0; j < k; j++) dst[oo + j] += c * w[wo + j];
        }
      }
      break;
    }
    case "quantile":
      for (let r = 0; r < x.rows; r++) {
        const o = r * d;
        for (let j = 0; j < d; j++) {
          dst[o + j] = cdf(step.quantiles, j * step.m, step.m, src[o + j]) -
            0.5;
        }
      }
      break;
    case "l2":
      for (let r = 0; r < x.rows; r++) {
        const o = r * d;
        let n = 0;
        for (let j = 0; j < d; j++) n += src[o + j] * src[o + j];
        const s = n > 0 ? 1 / Math.sqrt(n) : 0;
        for (let j = 0; j < d; j++) dst[o + j] = src[o + j] * s;
      }
      break;
  }
  return out;
};

/** Applies a fitted chain in order. */
export const applyChain = (
  steps: ReadonlyArray<FittedStep>,
  x: Embeddings,
): Embeddings => steps.reduce((acc, s) => applyStep(s, acc), x);
