import { Effect, Schema } from "effect";
import { sectionArray } from "../artifact/artifact_section.ts";
import { zeros } from "../embeddings.ts";
import { columnMean, columnStd } from "../postprocess/moments.ts";
import { FitSource } from "./fit_source.ts";
import type { SentenceStepModule } from "./stage_module.ts";
import { checkWidth, fittingSample } from "./step_sample.ts";

/** Subtract the mean and divide by the (population) standard deviation, per dimension. */
export const ZscoreStage: Schema.TaggedStruct<
  "zscore",
  { readonly fitOn: typeof FitSource }
> = Schema.TaggedStruct("zscore", { fitOn: FitSource });
/** A `zscore` stage declaration, decoded. */
export type ZscoreStage = typeof ZscoreStage.Type;

/** Standardises each dimension on `fitOn` (default the corpus). */
export const zscore = (fitOn: FitSource = "corpus"): ZscoreStage => ({
  _tag: "zscore",
  fitOn,
});

/** Mean and 1/σ per dimension (1 where σ = 0, as scikit-learn's StandardScaler). */
export interface FittedZscore {
  readonly dim: number;
  readonly mean: Float32Array;
  readonly scale: Float32Array;
}

export const zscoreModule: SentenceStepModule<ZscoreStage, FittedZscore> = {
  tag: "zscore",
  phase: "sentence",
  schema: ZscoreStage,
  sources: (d) => [d.fitOn],
  needs: () => [],
  notPortable: () => undefined,
  prefix: "keeps",
  fit: (_d, input) =>
    Effect.map(fittingSample("zscore", input, 2), (x) => {
      const mean = columnMean(x);
      const std = columnStd(x, mean);
      return {
        dim: x.dim,
        mean: Float32Array.from(mean),
        scale: Float32Array.from(std, (s) => (s > 0 ? 1 / s : 1)),
      };
    }),
  apply: (f, x) => {
    checkWidth("zscore", f.dim, x);
    const d = x.dim, out = zeros(x.rows, d), src = x.data, dst = out.data;
    for (let r = 0; r < x.rows; r++) {
      const o = r * d;
      for (let j = 0; j < d; j++) {
        dst[o + j] = (src[o + j] - f.mean[j]) * f.scale[j];
      }
    }
    return out;
  },
  outputDim: (f) => f.dim,
  artifact: {
    encode: (f) => ({ meta: {}, arrays: { mean: f.mean, scale: f.scale } }),
    decode: (s, dim, _d) => ({
      dim,
      mean: sectionArray(s, "mean", Float32Array, dim),
      scale: sectionArray(s, "scale", Float32Array, dim),
    }),
  },
};
