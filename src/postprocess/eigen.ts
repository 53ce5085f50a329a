import { EigenvalueDecomposition, Matrix } from "ml-matrix";

/** Eigenpairs of a symmetric matrix, largest eigenvalue first. */
export interface SymmetricEigen {
  /** Eigenvalues, descending. */
  readonly values: Float64Array;
  /** dim × dim row-major; column j is the unit eigenvector of `values[j]`. */
  readonly vectors: Float64Array;
}

/** Eigendecomposition of a dim × dim symmetric row-major matrix, via ml-matrix. */
export const symmetricEigen = (
  matrix: Float64Array,
  dim: number,
): SymmetricEigen => {
  const m = new Matrix(dim, dim);
  for (let i = 0; i < dim; i++) {
    for (let j = 0; j < dim; j++) m.set(i, j, matrix[i * dim + j]);
  }
  const eig = new EigenvalueDecomposition(m, { assumeSymmetric: true });
  const raw = eig.realEigenvalues;
  const vecs = eig.eigenvectorMatrix;
  // ml-matrix returns ascending order today; sorting keeps us independent of it.
  const order = raw.map((_, i) => i).sort((a, b) => raw[b] - raw[a]);
  const values = new Float64Array(dim);
  const vectors = new Float64Array(dim * dim);
  order.forEach((src, dst) => {
    values[dst] = raw[src];
    for (let i = 0; i < dim; i++) vectors[i * dim + dst] = vecs.get(i, src);
  });
  return { values, vectors };
};
