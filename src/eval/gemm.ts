/**
 * Dense single-precision matrix products, row-major, the hot loop of the
 * logistic regression and k-means. Every matrix is a `Float32Array` with
 * explicit shapes:
 *
 * - `nn(a, m, k, b, n)`: `a` is m×k, `b` is k×n → m×n = a·b
 * - `tn(a, k, m, b, n)`: `a` is k×m, `b` is k×n → m×n = aᵀ·b
 * - `nt(a, m, k, b, n)`: `a` is m×k, `b` is n×k → m×n = a·bᵀ
 */
export interface Gemm {
  /** The implementation's name, for reports. */
  readonly name: string;
  /** `a` (m×k) times `b` (k×n): m×n. */
  nn(
    a: Float32Array,
    m: number,
    k: number,
    b: Float32Array,
    n: number,
  ): Promise<Float32Array>;
  /** `a` (k×m) transposed times `b` (k×n): m×n. */
  tn(
    a: Float32Array,
    k: number,
    m: number,
    b: Float32Array,
    n: number,
  ): Promise<Float32Array>;
  /** `a` (m×k) times `b` (n×k) transposed: m×n. */
  nt(
    a: Float32Array,
    m: number,
    k: number,
    b: Float32Array,
    n: number,
  ): Promise<Float32Array>;
}

const check = (what: string, x: Float32Array, rows: number, cols: number) => {
  if (x.length !== rows * cols) {
    throw new RangeError(
      `${what} should be ${rows}x${cols} (${
        rows * cols
      } values), got ${x.length}`,
    );
  }
};

/** The shape checks every backend runs before multiplying. */
export const checkShapes = {
  nn: (a: Float32Array, m: number, k: number, b: Float32Array, n: number) => {
    check("left matrix", a, m, k);
    check("right matrix", b, k, n);
  },
  tn: (a: Float32Array, k: number, m: number, b: Float32Array, n: number) => {
    check("left matrix", a, k, m);
    check("right matrix", b, k, n);
  },
  nt: (a: Float32Array, m: number, k: number, b: Float32Array, n: number) => {
    check("left matrix", a, m, k);
    check("right matrix", b, n, k);
  },
};

/**
 * Plain TypeScript products (float64 accumulation): the reference the native
 * backend is tested against, and the fallback where it cannot load.
 */
export const jsGemm: Gemm = {
  name: "js",
  nn(a, m, k, b, n) {
    checkShapes.nn(a, m, k, b, n);
    const c = new Float32Array(m * n);
    const acc = new Float64Array(n);
    for (let i = 0; i < m; i++) {
      acc.fill(0);
      for (let p = 0; p < k; p++) {
        const x = a[i * k + p];
        if (x === 0) continue;
        const off = p * n;
        for (let j = 0; j < n; j++) acc[j] += x * b[off + j];
      }
      c.set(acc, i * n);
    }
    return Promise.resolve(c);
  },
  tn(a, k, m, b, n) {
    checkShapes.tn(a, k, m, b, n);
    const acc = new Float64Array(m * n);
    for (let p = 0; p < k; p++) {
      for (let i = 0; i < m; i++) {
        const x = a[p * m + i];
        if (x === 0) continue;
        const off = p * n;
        for (let j = 0; j < n; j++) acc[i * n + j] += x * b[off + j];
      }
    }
    return Promise.resolve(Float32Array.from(acc));
  },
  nt(a, m, k, b, n) {
    checkShapes.nt(a, m, k, b, n);
    const c = new Float32Array(m * n);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) s += a[i * k + p] * b[j * k + p];
        c[i * n + j] = s;
      }
    }
    return Promise.resolve(c);
  },
};
