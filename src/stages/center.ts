import { Effect, Schema } from "effect";
import { sectionArray } from "../artifact/artifact_section.ts";
import { zeros } from "../embeddings.ts";
import { columnMean } from "../postprocess/moments.ts";
import { FitSource } from "./fit_source.ts";
import type { SentenceStepModule } from "./stage_module.ts";
import { checkWidth, fittingSample } from "./step_sample.ts";

/** Subtract the fitted mean. */
export const CenterStage: Schema.TaggedStruct<
  "center",
  { readonly fitOn: typeof FitSource }
> = Schema.TaggedStruct("center", { fitOn: FitSource });
/** A `center` stage declaration, decoded. */
export type CenterStage = typeof CenterStage.Type;

/** Centres vectors on the mean of `fitOn` (default the corpus). */
export const center = (fitOn: FitSource = "corpus"): CenterStage => ({
  _tag: "center",
  fitOn,
});

/** The fitted mean. */
export interface FittedCenter {
  readonly dim: number;
  readonly mean: Float32Array;
}

export const centerModule: SentenceStepModule<CenterStage, FittedCenter> = {
  tag: "center",
  phase: "sentence",
  schema: CenterStage,
  sources: (d) => [d.fitOn],
  needs: () => [],
  notPortable: () => undefined,
  prefix: "keeps",
  fit: (_d, input) =>
    Effect.map(fittingSample("center", input, 1), (x) => ({
      dim: x.dim,
      mean: Float32Array.from(columnMean(x)),
    })),
  apply: (f, x) => {
    checkWidth("center", f.dim, x);
    const d = x.dim, out = zeros(x.rows, d), src = x.data, dst = out.data;
    for (let r = 0; r < x.rows; r++) {
      const o = r * d;
      for (let j = 0; j < d; j++) dst[o + j] = src[o + j] - f.mean[j];
    }
    return out;
  },
  outputDim: (f) => f.dim,
  artifact: {
    encode: (f) => ({ meta: {}, arrays: { mean: f.mean } }),
    decode: (s, dim, _d) => ({
      dim,
      mean: sectionArray(s, "mean", Float32Array, dim),
    }),
  },
};
