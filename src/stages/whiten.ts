import { Effect, Schema } from "effect";
import { sectionArray, sectionNumber } from "../artifact/artifact_section.ts";
import { zeros } from "../embeddings.ts";
import { FitSource } from "./fit_source.ts";
import { principalDirections } from "./principal_directions.ts";
import type { SentenceStepModule } from "./stage_module.ts";
import { checkWidth, fittingSample } from "./step_sample.ts";

const PositiveInt: Schema.Int = Schema.Int.check(Schema.isGreaterThan(0));

/**
 * `x' = (x − μ) U_k (Λ_k + ε)^{-1/2}`. `k` (default: every dimension) keeps
 * the top-k directions; `epsilon` (default 0) regularises a sample whose
 * covariance is rank-deficient, which otherwise is refused.
 */
export const WhitenStage: Schema.TaggedStruct<"whiten", {
  readonly k: Schema.optionalKey<Schema.Int>;
  readonly epsilon: Schema.optionalKey<Schema.Number>;
  readonly fitOn: typeof FitSource;
}> = Schema.TaggedStruct("whiten", {
  k: Schema.optionalKey(PositiveInt),
  epsilon: Schema.optionalKey(
    Schema.Number.check(Schema.isGreaterThanOrEqualTo(0)),
  ),
  fitOn: FitSource,
});
/** A `whiten` stage declaration, decoded. */
export type WhitenStage = typeof WhitenStage.Type;

/** Whitens on `fitOn` (default the corpus), keeping `k` directions. */
export const whiten = (
  options: { k?: number; epsilon?: number; fitOn?: FitSource } = {},
): WhitenStage => ({
  _tag: "whiten",
  ...(options.k ? { k: options.k } : {}),
  ...(options.epsilon !== undefined ? { epsilon: options.epsilon } : {}),
  fitOn: options.fitOn ?? "corpus",
});

/** The mean and the dim × k matrix `U_k (Λ_k + ε)^{-1/2}`. */
export interface FittedWhiten {
  readonly dim: number;
  readonly k: number;
  readonly mean: Float32Array;
  readonly matrix: Float32Array;
}

export const whitenModule: SentenceStepModule<WhitenStage, FittedWhiten> = {
  tag: "whiten",
  phase: "sentence",
  schema: WhitenStage,
  sources: (d) => [d.fitOn],
  needs: () => [],
  notPortable: () => undefined,
  prefix: "sorts",
  fit: (d, input) =>
    Effect.gen(function* () {
      const x = yield* fittingSample("whiten", input, 2);
      const dim = x.dim;
      const k = d.k ?? dim;
      const epsilon = d.epsilon ?? 0;
      const p = yield* principalDirections("whiten", x, k, epsilon > 0);
      const matrix = new Float32Array(dim * k);
      for (let c = 0; c < k; c++) {
        const s = 1 / Math.sqrt(Math.max(p.values[c], 0) + epsilon);
        for (let i = 0; i < dim; i++) {
          matrix[i * k + c] = p.vectors[i * dim + c] * s;
        }
      }
      return { dim, k, mean: Float32Array.from(p.mean), matrix };
    }),
  apply: (f, x) => {
    checkWidth("whiten", f.dim, x);
    const d = x.dim, k = f.k, w = f.matrix;
    const out = zeros(x.rows, k), src = x.data, dst = out.data;
    for (let r = 0; r < x.rows; r++) {
      const o = r * d, oo = r * k;
      for (let i = 0; i < d; i++) {
        const c = src[o + i] - f.mean[i];
        if (c === 0) continue;
        const wo = i * k;
        for (let j = 0; j < k; j++) dst[oo + j] += c * w[wo + j];
      }
    }
    return out;
  },
  outputDim: (f) => f.k,
  artifact: {
    encode: (f) => ({
      meta: { k: f.k },
      arrays: { mean: f.mean, matrix: f.matrix },
    }),
    decode: (s, dim, _d) => {
      const k = sectionNumber(s, "k");
      return {
        dim,
        k,
        mean: sectionArray(s, "mean", Float32Array, dim),
        matrix: sectionArray(s, "matrix", Float32Array, dim * k),
      };
    },
  },
};
