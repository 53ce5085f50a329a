import { Schema } from "effect";

const PositiveInt = Schema.Int.check(Schema.isGreaterThan(0));

/**
 * One post-processing step as a pipeline declares it (METHODS §2). Steps run
 * in order; each is fitted on the output of the steps before it.
 */
export const PostprocessStep = Schema.Union([
  /** Subtract the fitted mean. */
  Schema.TaggedStruct("center", {}),
  /** Subtract the mean and divide by the (population) standard deviation, per dimension. */
  Schema.TaggedStruct("zscore", {}),
  /** "All but the top": centre, then remove the projections on the top-k principal directions. */
  Schema.TaggedStruct("abtt", { k: PositiveInt }),
  /**
   * `x' = (x − μ) U_k (Λ_k + ε)^{-1/2}`. `k` (default: every dimension) keeps
   * the top-k directions; `epsilon` (default 0) regularises a sample whose
   * covariance is rank-deficient, which otherwise is refused.
   */
  Schema.TaggedStruct("whiten", {
    k: Schema.optionalKey(PositiveInt),
    epsilon: Schema.optionalKey(
      Schema.Number.check(Schema.isGreaterThanOrEqualTo(0)),
    ),
  }),
  /**
   * Each dimension through its empirical CDF to U(0,1), then centred to
   * (−½, ½). `quantiles` (default min(1000, sample size)) bounds the artifact.
   */
  Schema.TaggedStruct("quantile", {
    quantiles: Schema.optionalKey(Schema.Int.check(Schema.isGreaterThan(1))),
  }),
  /** Scale each vector to unit length (zero vectors stay zero). */
  Schema.TaggedStruct("l2", {}),
]);

export type PostprocessStep = typeof PostprocessStep.Type;
