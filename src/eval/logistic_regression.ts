import type { Gemm } from "./gemm.ts";
import { lbfgs, type LbfgsOptions } from "./lbfgs.ts";

/**
 * L2-regularised logistic regression (binary for 2 classes, multinomial
 * otherwise), fitted with L-BFGS on standardised features. Several problems
 * over the same feature matrix — the folds of a cross-validation, a path of
 * regularisation strengths — are fitted jointly: their objective is a sum of
 * independent terms, so one pair of matrix products per step serves them all
 * and a memory-bound binary problem costs little more than a single one.
 *
 * Each problem minimises, over its training rows R (|R| = N):
 *
 *   (1/N) Σ_{i∈R} −log p(yᵢ | zᵢ)  +  (1 / (2·C·N)) ‖W‖²
 *
 * with zᵢ = W·standardise(xᵢ) + b and an unpenalised bias: scikit-learn's
 * `C·Σ loss + ½‖W‖²` divided by C·N, so `C` means what it means there.
 */

/** `rows × dim` features, row-major. */
export interface Design {
  readonly x: Float32Array;
  readonly rows: number;
  readonly dim: number;
}

export interface LogisticProblem {
  /** Rows of the design this problem is fitted on. */
  readonly train: Int32Array;
  /** Inverse regularisation strength (larger = weaker penalty). */
  readonly c: number;
  /** A previous solution to start from (warm start). */
  readonly init?: LogisticModel;
}

/** A fitted model; scores of a row x are `x·weights + bias` (standardisation folded in). */
export interface LogisticModel {
  /** The number of classes. */
  readonly classes: number;
  /** The feature dimension. */
  readonly dim: number;
  /** The inverse regularisation strength it was fitted with. */
  readonly c: number;
  /** dim × cols (cols = 1 for 2 classes, else `classes`), on raw features. */
  readonly weights: Float32Array;
  /** One bias per score column. */
  readonly bias: Float64Array;
  /** The solution in standardised coordinates, for warm starts. */
  readonly theta: Float64Array;
}

export interface FitInfo {
  readonly iterations: number;
  readonly evaluations: number;
  readonly converged: boolean;
}

export interface FitOptions extends LbfgsOptions {}

/** Training rows' mean and standard deviation (1 where a feature is constant). */
const moments = (d: Design, rows: Int32Array) => {
  const mean = new Float64Array(d.dim);
  const sq = new Float64Array(d.dim);
  for (const i of rows) {
    const off = i * d.dim;
    for (let j = 0; j < d.dim; j++) {
      const v = d.x[off + j];
      mean[j] += v;
      sq[j] += v * v;
    }
  }
  const scale = new Float64Array(d.dim);
  for (let j = 0; j < d.dim; j++) {
    mean[j] /= rows.length;
    const variance = sq[j] / rows.length - mean[j] * mean[j];
    scale[j] = variance > 1e-12 ? Math.sqrt(variance) : 1;
  }
  return { mean, scale };
};

const columnsOf = (classes: number) => (classes === 2 ? 1 : classes);

const checkInputs = (
  d: Design,
  labels: Int32Array,
  classes: number,
  problems: ReadonlyArray<LogisticProblem>,
) => {
  if (d.x.length !== d.rows * d.dim) {
    throw new RangeError(`design is not ${d.rows}x${d.dim}`);
  }
  if (labels.length !== d.rows) {
    throw new RangeError(`${labels.length} labels for ${d.rows} rows`);
  }
  if (classes < 2) throw new RangeError(`need 2+ classes, got ${classes}`);
  for (const y of labels) {
    if (y < 0 || y >= classes || !Number.isInteger(y)) {
      throw new RangeError(`label ${y} is outside 0..${classes - 1}`);
    }
  }
  for (const p of problems) {
    if (p.train.length === 0) throw new RangeError("a problem has no rows");
    if (!(p.c > 0)) throw new RangeError(`C must be > 0, got ${p.c}`);
  }
};

/** Fits every problem jointly; models come back in the problems' order. */
export const fitLogistic = async (
  gemm: Gemm,
  design: Design,
  labels: Int32Array,
  classes: number,
  problems: ReadonlyArray<LogisticProblem>,
  options: FitOptions = {},
): Promise<{ models: LogisticModel[]; info: FitInfo }> => {
  checkInputs(design, labels, classes, problems);
  const { x, rows: n, dim: d } = design;
  const kc = columnsOf(classes);
  const P = problems.length;
  const Q = P * kc;
  // Problems sharing a row set (a path of C values) share its moments.
  const memo = new Map<Int32Array, ReturnType<typeof moments>>();
  const stats = problems.map((p) => {
    const m = memo.get(p.train) ?? moments(design, p.train);
    memo.set(p.train, m);
    return m;
  });
  const lambda = problems.map((p) => 1 / (p.c * p.train.length));
  const wt = new Float32Array(d * Q);
  const shift = new Float64Array(Q);
  const colSum = new Float64Array(Q);
  const g = new Float32Array(n * Q);
  const logits = new Float64Array(kc);

  /** Effective raw-feature weights and biases of θ into `wt`, `shift`. */
  const unstandardise = (theta: Float64Array) => {
    for (let q = 0; q < Q; q++) {
      const { mean, scale } = stats[Math.floor(q / kc)];
      let s = theta[d * Q + q];
      for (let j = 0; j < d; j++) {
        const w = theta[j * Q + q] / scale[j];
        wt[j * Q + q] = w;
        s -= mean[j] * w;
      }
      shift[q] = s;
    }
  };

  const objective = async (theta: Float64Array, grad: Float64Array) => {
    unstandardise(theta);
    const z = await gemm.nn(x, n, d, wt, Q);
    g.fill(0);
    colSum.fill(0);
    let f = 0;
    for (let p = 0; p < P; p++) {
      const train = problems[p].train;
      const inv = 1 / train.length;
      let loss = 0;
      const q0 = p * kc;
      for (let r = 0; r < train.length; r++) {
        const i = train[r];
        const y = labels[i];
        const off = i * Q + q0;
        if (kc === 1) {
          const zi = z[off] + shift[q0];
          // log(1 + e^z) − y·z and σ(z) from one exponential, stable for large |z|.
          const e = Math.exp(-Math.abs(zi));
          loss += (zi > 0 ? zi : 0) + Math.log(1 + e) - y * zi;
          const sigma = zi >= 0 ? 1 / (1 + e) : e / (1 + e);
          const res = (sigma - y) * inv;
          g[off] = res;
          colSum[q0] += res;
        } else {
          let max = -Infinity;
          for (let k = 0; k < kc; k++) {
            logits[k] = z[off + k] + shift[q0 + k];
            if (logits[k] > max) max = logits[k];
          }
          const target = logits[y];
          let sum = 0;
          for (let k = 0; k < kc; k++) {
            logits[k] = Math.exp(logits[k] - max);
            sum += logits[k];
          }
          loss += Math.log(sum) + max - target;
          const norm = inv / sum;
          for (let k = 0; k < kc; k++) {
            const res = logits[k] * norm - (k === y ? inv : 0);
            g[off + k] = res;
            colSum[q0 + k] += res;
          }
        }
      }
      f += loss * inv;
    }
    const xg = await gemm.tn(x, n, d, g, Q);
    for (let q = 0; q < Q; q++) {
      const p = Math.floor(q / kc);
      const { mean, scale } = stats[p];
      const l = lambda[p];
      let penalty = 0;
      for (let j = 0; j < d; j++) {
        const t = theta[j * Q + q];
        penalty += t * t;
        grad[j * Q + q] = (xg[j * Q + q] - mean[j] * colSum[q]) / scale[j] +
          l * t;
      }
      f += 0.5 * l * penalty;
      grad[d * Q + q] = colSum[q];
    }
    return f;
  };

  const theta0 = new Float64Array((d + 1) * Q);
  problems.forEach((p, pi) => {
    const init = p.init;
    if (!init) return;
    if (init.dim !== d || init.classes !== classes) {
      throw new RangeError("warm start has another shape");
    }
    for (let k = 0; k < kc; k++) {
      for (let j = 0; j < d; j++) {
        theta0[j * Q + pi * kc + k] = init.theta[j * kc + k];
      }
      theta0[d * Q + pi * kc + k] = init.theta[d * kc + k];
    }
  });
  const result = await lbfgs(objective, theta0, options);
  unstandardise(result.x);
  const models = problems.map((p, pi): LogisticModel => {
    const weights = new Float32Array(d * kc);
    const theta = new Float64Array((d + 1) * kc);
    const bias = new Float64Array(kc);
    for (let k = 0; k < kc; k++) {
      const q = pi * kc + k;
      for (let j = 0; j < d; j++) {
        weights[j * kc + k] = wt[j * Q + q];
        theta[j * kc + k] = result.x[j * Q + q];
      }
      theta[d * kc + k] = result.x[d * Q + q];
      bias[k] = shift[q];
    }
    return { classes, dim: d, c: p.c, weights, bias, theta };
  });
  return {
    models,
    info: {
      iterations: result.iterations,
      evaluations: result.evaluations,
      converged: result.converged,
    },
  };
};

/** Predicted classes of every design row under each model (one product for all). */
export const predictLogistic = async (
  gemm: Gemm,
  models: ReadonlyArray<LogisticModel>,
  design: Design,
): Promise<Int32Array[]> => {
  if (models.length === 0) return [];
  const { classes, dim: d } = models[0];
  if (design.dim !== d) {
    throw new RangeError(`models take ${d} features, design has ${design.dim}`);
  }
  const kc = columnsOf(classes);
  const Q = models.length * kc;
  const w = new Float32Array(d * Q);
  models.forEach((m, pi) => {
    for (let j = 0; j < d; j++) {
      for (let k = 0; k < kc; k++) {
        w[j * Q + pi * kc + k] = m.weights[j * kc + k];
      }
    }
  });
  const z = design.rows === 0
    ? new Float32Array(0)
    : await gemm.nn(design.x, design.rows, d, w, Q);
  return models.map((m, pi) => {
    const out = new Int32Array(design.rows);
    for (let i = 0; i < design.rows; i++) {
      const off = i * Q + pi * kc;
      if (kc === 1) {
        out[i] = z[off] + m.bias[0] > 0 ? 1 : 0;
      } else {
        let best = 0;
        let bestScore = -Infinity;
        for (let k = 0; k < kc; k++) {
          const s = z[off + k] + m.bias[k];
          if (s > bestScore) {
            bestScore = s;
            best = k;
          }
        }
        out[i] = best;
      }
    }
    return out;
  });
};

/** Share of `rows` (all when omitted) whose prediction matches the label, ×100. */
export const accuracy = (
  predicted: Int32Array,
  labels: Int32Array,
  rows?: Int32Array,
): number => {
  const idx = rows ?? Int32Array.from({ length: labels.length }, (_, i) => i);
  let hit = 0;
  for (const i of idx) if (predicted[i] === labels[i]) hit++;
  return (100 * hit) / idx.length;
};
