/**
 * Fitted post-processing parameters. Vectors and matrices are row-major
 * `Float32Array`s; `dim` is the input width each step was fitted on.
 */
export type FittedStep =
  | {
    readonly _tag: "center";
    readonly dim: number;
    readonly mean: Float32Array;
  }
  | {
    readonly _tag: "zscore";
    readonly dim: number;
    readonly mean: Float32Array;
    /** 1/σ per dimension (1 where σ = 0, as scikit-learn's StandardScaler). */
    readonly scale: Float32Array;
  }
  | {
    readonly _tag: "abtt";
    readonly dim: number;
    readonly mean: Float32Array;
    readonly k: number;
    /** k × dim, unit-length principal directions, largest variance first. */
    readonly components: Float32Array;
  }
  | {
    readonly _tag: "whiten";
    readonly dim: number;
    readonly mean: Float32Array;
    readonly k: number;
    /** dim × k, `U_k (Λ_k + ε)^{-1/2}`. */
    readonly matrix: Float32Array;
  }
  | {
    readonly _tag: "quantile";
    readonly dim: number;
    /** Number m of quantiles per dimension, at probabilities j/(m−1). */
    readonly m: number;
    /** dim × m, non-decreasing along each row. */
    readonly quantiles: Float32Array;
  }
  | { readonly _tag: "l2"; readonly dim: number };

/** Output width of a fitted step. */
export const outputDim = (step: FittedStep): number =>
  step._tag === "whiten" ? step.k : step.dim;
