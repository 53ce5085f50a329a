import { Effect } from "effect";
import type { Embeddings } from "../embeddings.ts";
import type { BadConfig } from "../errors.ts";
import { symmetricEigen } from "../postprocess/eigen.ts";
import { columnMean, covariance } from "../postprocess/moments.ts";
import { refuseStep } from "./step_sample.ts";

/** Eigenvalues at or below this fraction of the largest are numerically zero. */
const RANK_TOLERANCE = 1e-9;

/** The sample's mean and covariance eigenpairs, with how many directions carry variance. */
export interface PrincipalDirections {
  readonly mean: Float64Array;
  /** Eigenvalues, descending. */
  readonly values: Float64Array;
  /** dim × dim row-major; column j is the unit eigenvector of `values[j]`. */
  readonly vectors: Float64Array;
}

/**
 * The principal directions ABTT and whitening fit on. Refuses `k` beyond
 * the sample's rank unless `regularised` (whitening with ε > 0), naming
 * what to change.
 */
export const principalDirections = (
  tag: string,
  x: Embeddings,
  k: number,
  regularised: boolean,
): Effect.Effect<PrincipalDirections, BadConfig> => {
  const dim = x.dim;
  if (k > dim) {
    return Effect.fail(
      refuseStep(tag, `k = ${k} exceeds the dimension ${dim}`),
    );
  }
  const mean = columnMean(x);
  const { values, vectors } = symmetricEigen(covariance(x, mean), dim);
  const floor = Math.max(values[0], 0) * RANK_TOLERANCE;
  let rank = 0;
  while (rank < dim && values[rank] > floor) rank++;
  if (k > rank && !regularised) {
    return Effect.fail(refuseStep(
      tag,
      `k = ${k} needs ${k} directions of non-zero variance but the ${x.rows} fitting vectors span only ${rank}; ` +
        (tag === "abtt" ? "lower k" : "lower k or set epsilon > 0"),
    ));
  }
  return Effect.succeed({ mean, values, vectors });
};
