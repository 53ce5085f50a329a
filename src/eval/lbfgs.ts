/**
 * Limited-memory BFGS (Nocedal & Wright, Alg. 7.4/7.5) with a backtracking
 * Armijo line search. Hand-written: npm has no maintained L-BFGS, and the
 * objective here is asynchronous (its matrix products run on a native
 * backend), which the JS optimisers on npm do not accept.
 */

/** Writes ∇f(x) into `grad` and resolves to f(x). */
export type Objective = (
  x: Float64Array,
  grad: Float64Array,
) => Promise<number>;

export interface LbfgsOptions {
  /** Iterations at most (each takes one or more evaluations). */
  readonly maxIter?: number;
  /** Pairs of correction vectors kept. */
  readonly memory?: number;
  /** Stop when max |∇f| falls below this. */
  readonly gradTol?: number;
  /** Stop when the relative decrease of f over an iteration falls below this. */
  readonly relTol?: number;
}

export interface LbfgsResult {
  readonly x: Float64Array;
  readonly f: number;
  readonly iterations: number;
  readonly evaluations: number;
  readonly converged: boolean;
}

const dot = (a: Float64Array, b: Float64Array) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};

const maxAbs = (a: Float64Array) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
};

/** Minimises a smooth function from `x0` (not modified). */
export const lbfgs = async (
  f: Objective,
  x0: Float64Array,
  options: LbfgsOptions = {},
): Promise<LbfgsResult> => {
  const maxIter = options.maxIter ?? 100;
  const m = options.memory ?? 10;
  const gradTol = options.gradTol ?? 1e-5;
  const relTol = options.relTol ?? 1e-9;
  const n = x0.length;
  let x = Float64Array.from(x0);
  let g = new Float64Array(n);
  let fx = await f(x, g);
  let evaluations = 1;
  const s: Float64Array[] = [];
  const y: Float64Array[] = [];
  const rho: number[] = [];
  const alpha = new Float64Array(m);
  const d = new Float64Array(n);
  let xNew = new Float64Array(n);
  let gNew = new Float64Array(n);
  let iterations = 0;
  let converged = maxAbs(g) <= gradTol;
  while (!converged && iterations < maxIter) {
    iterations++;
    // Two-loop recursion: d = −H·g.
    for (let i = 0; i < n; i++) d[i] = -g[i];
    for (let j = s.length - 1; j >= 0; j--) {
      alpha[j] = rho[j] * dot(s[j], d);
      const yj = y[j];
      for (let i = 0; i < n; i++) d[i] -= alpha[j] * yj[i];
    }
    const gamma = s.length > 0
      ? dot(s[s.length - 1], y[y.length - 1]) /
        dot(y[y.length - 1], y[y.length - 1])
      : 1 / Math.max(1, Math.sqrt(dot(g, g)));
    for (let i = 0; i < n; i++) d[i] *= gamma;
    for (let j = 0; j < s.length; j++) {
      const beta = rho[j] * dot(y[j], d);
      const sj = s[j];
      for (let i = 0; i < n; i++) d[i] += (alpha[j] - beta) * sj[i];
    }
    let slope = dot(g, d);
    if (slope >= 0) {
      // Not a descent direction (rounding in a stale memory): restart.
      s.length = y.length = rho.length = 0;
      for (let i = 0; i < n; i++) {
        d[i] = -g[i] / Math.max(1, Math.sqrt(dot(g, g)));
      }
      slope = dot(g, d);
    }
    let step = 1;
    let fNew = Infinity;
    for (let tries = 0; tries < 40; tries++) {
      for (let i = 0; i < n; i++) xNew[i] = x[i] + step * d[i];
      fNew = await f(xNew, gNew);
      evaluations++;
      if (fNew <= fx + 1e-4 * step * slope) break;
      step *= 0.5;
    }
    if (!(fNew <= fx)) break; // no decrease possible at working precision
    const sk = new Float64Array(n);
    const yk = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      sk[i] = xNew[i] - x[i];
      yk[i] = gNew[i] - g[i];
    }
    const sy = dot(sk, yk);
    // Keep only pairs with positive curvature, so H stays positive definite.
    if (sy > 1e-12 * Math.sqrt(dot(sk, sk) * dot(yk, yk))) {
      if (s.length === m) {
        s.shift();
        y.shift();
        rho.shift();
      }
      s.push(sk);
      y.push(yk);
      rho.push(1 / sy);
    }
    const decrease = (fx - fNew) / Math.max(Math.abs(fx), Math.abs(fNew), 1);
    [x, xNew] = [xNew, x];
    [g, gNew] = [gNew, g];
    fx = fNew;
    converged = maxAbs(g) <= gradTol || decrease <= relTol;
  }
  return { x, f: fx, iterations, evaluations, converged };
};
