/**
 * A batch of vectors stored row-major in one `Float32Array`: row `i` is
 * `data.subarray(i * dim, (i + 1) * dim)`. Every numeric stage reads and
 * writes this shape so no stage allocates per row or per element.
 */
export interface Embeddings {
  /** The number of vectors. */
  readonly rows: number;
  /** The dimension of each vector. */
  readonly dim: number;
  /** The vectors, row-major: `rows × dim` values. */
  readonly data: Float32Array;
}

/** Allocates a zero-filled batch of `rows` vectors of `dim` components. */
export const zeros = (rows: number, dim: number): Embeddings => ({
  rows,
  dim,
  data: new Float32Array(rows * dim),
});

/** Wraps existing storage, checking that the shape matches its length. */
export const fromData = (
  rows: number,
  dim: number,
  data: Float32Array,
): Embeddings => {
  if (data.length !== rows * dim) {
    throw new RangeError(
      `Embeddings shape ${rows}x${dim} needs ${
        rows * dim
      } values, got ${data.length}`,
    );
  }
  return { rows, dim, data };
};

/** A view of row `i` (no copy). */
export const row = (x: Embeddings, i: number): Float32Array =>
  x.data.subarray(i * x.dim, (i + 1) * x.dim);

/** Row-wise nested arrays, for JSON output and tests. */
export const toArrays = (x: Embeddings): number[][] =>
  Array.from({ length: x.rows }, (_, i) => Array.from(row(x, i)));

/** Cosine similarity of two equal-length vectors; 0 when either is zero. */
export const cosine = (a: Float32Array, b: Float32Array): number => {
  let dot = 0, na = 0, nb = 0;
  for (let k = 0; k < a.length; k++) {
    dot += a[k] * b[k];
    na += a[k] * a[k];
    nb += b[k] * b[k];
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
};
