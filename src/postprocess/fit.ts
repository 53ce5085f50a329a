import { Effect } from "effect";
import type { Embeddings } from "../embeddings.ts";
import { BadConfig } from "../errors.ts";
import { applyStep } from "./apply.ts";
import { symmetricEigen } from "./eigen.ts";
import type { FittedStep } from "./fitted.ts";
import { columnMean, columnStd, covariance } from "./moments.ts";
import { fitQuantiles } from "./quantile.ts";
import type { PostprocessStep } from "./step.ts";

/** Eigenvalues at or below this fraction of the largest are numerically zero. */
const RANK_TOLERANCE = 1e-9;

const refuse = (step: PostprocessStep, reason: string) =>
  Effect.fail(
    new BadConfig({ subject: `postprocess step "${step._tag}"`, reason }),
  );

/** Fits one step on a sample; fails when the sample cannot support it. */
export const fitStep = (
  step: PostprocessStep,
  x: Embeddings,
): Effect.Effect<FittedStep, BadConfig> => {
  const dim = x.dim;
  const minRows = step._tag === "l2" ? 0 : step._tag === "center" ? 1 : 2;
  if (x.rows < minRows) {
    return refuse(
      step,
      `needs at least ${minRows} fitting vectors, got ${x.rows}`,
    );
  }
  switch (step._tag) {
    case "l2":
      return Effect.succeed({ _tag: "l2", dim });
    case "center":
      return Effect.succeed({
        _tag: "center",
        dim,
        mean: Float32Array.from(columnMean(x)),
      });
    case "zscore": {
      const mean = columnMean(x);
      const std = columnStd(x, mean);
      return Effect.succeed({
        _tag: "zscore",
        dim,
        mean: Float32Array.from(mean),
        scale: Float32Array.from(std, (s) => (s > 0 ? 1 / s : 1)),
      });
    }
    case "quantile": {
      const m = Math.min(step.quantiles ?? 1000, x.rows);
      return Effect.succeed({
        _tag: "quantile",
        dim,
        m,
        quantiles: fitQuantiles(x, m),
      });
    }
    case "abtt":
    case "whiten": {
      const k = step._tag === "abtt" ? step.k : step.k ?? dim;
      if (k > dim) return refuse(step, `k = ${k} exceeds the dimension ${dim}`);
      const mean = columnMean(x);
      const { values, vectors } = symmetricEigen(covariance(x, mean), dim);
      const epsilon = step._tag === "whiten" ? step.epsilon ?? 0 : 0;
      const floor = Math.max(values[0], 0) * RANK_TOLERANCE;
      let rank = 0;
      while (rank < dim && values[rank] > floor) rank++;
      if (k > rank && (step._tag === "abtt" || epsilon === 0)) {
        return refuse(
          step,
          `k = ${k} needs ${k} directions of non-zero variance but the ${x.rows} fitting vectors span only ${rank}; ` +
            (step._tag === "abtt" ? "lower k" : "lower k or set epsilon > 0"),
        );
      }
      if (step._tag === "abtt") {
        const components = new Float32Array(k * dim);
        for (let c = 0; c < k; c++) {
          for (let i = 0; i < dim; i++) {
            components[c * dim + i] = vectors[i * dim + c];
          }
        }
        return Effect.succeed({
          _tag: "abtt",
          dim,
          k,
          mean: Float32Array.from(mean),
          components,
        });
      }
      const matrix = new Float32Array(dim * k);
      for (let c = 0; c < k; c++) {
        const s = 1 / Math.sqrt(Math.max(values[c], 0) + epsilon);
        for (let i = 0; i < dim; i++) {
          matrix[i * k + c] = vectors[i * dim + c] * s;
        }
      }
      return Effect.succeed({
        _tag: "whiten",
        dim,
        k,
        mean: Float32Array.from(mean),
        matrix,
      });
    }
  }
};

/** Fits a chain in order: each step sees the sample as the previous steps leave it. */
export const fitChain = Effect.fn("fitChain")(function* (
  steps: ReadonlyArray<PostprocessStep>,
  sample: Embeddings,
) {
  const fitted: FittedStep[] = [];
  let x = sample;
  for (const [i, step] of steps.entries()) {
    const f = yield* fitStep(step, x);
    fitted.push(f);
    if (i < steps.length - 1) x = applyStep(f, x);
  }
  return fitted;
});
