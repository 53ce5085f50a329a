import { Effect, Schema } from "effect";
import { sectionArray, sectionNumber } from "../artifact/artifact_section.ts";
import { zeros } from "../embeddings.ts";
import { cdf, fitQuantiles } from "../postprocess/quantile.ts";
import { FitSource } from "./fit_source.ts";
import type { SentenceStepModule } from "./stage_module.ts";
import { checkWidth, fittingSample } from "./step_sample.ts";

/**
 * Each dimension through its empirical CDF to U(0,1), then centred to
 * (−½, ½). `quantiles` (default min(1000, sample size)) bounds the artifact.
 */
export const QuantileStage: Schema.TaggedStruct<"quantile", {
  readonly quantiles: Schema.optionalKey<Schema.Int>;
  readonly fitOn: typeof FitSource;
}> = Schema.TaggedStruct("quantile", {
  quantiles: Schema.optionalKey(Schema.Int.check(Schema.isGreaterThan(1))),
  fitOn: FitSource,
});
/** A `quantile` stage declaration, decoded. */
export type QuantileStage = typeof QuantileStage.Type;

/** Maps each dimension through its CDF on `fitOn` (default the corpus). */
export const quantile = (
  options: { quantiles?: number; fitOn?: FitSource } = {},
): QuantileStage => ({
  _tag: "quantile",
  ...(options.quantiles ? { quantiles: options.quantiles } : {}),
  fitOn: options.fitOn ?? "corpus",
});

/** m quantiles per dimension at probabilities j/(m−1), dim × m, non-decreasing rows. */
export interface FittedQuantile {
  readonly dim: number;
  readonly m: number;
  readonly quantiles: Float32Array;
}

export const quantileModule: SentenceStepModule<QuantileStage, FittedQuantile> =
  {
    tag: "quantile",
    phase: "sentence",
    schema: QuantileStage,
    sources: (d) => [d.fitOn],
    needs: () => [],
    notPortable: () => undefined,
    prefix: "keeps",
    fit: (d, input) =>
      Effect.map(fittingSample("quantile", input, 2), (x) => {
        const m = Math.min(d.quantiles ?? 1000, x.rows);
        return { dim: x.dim, m, quantiles: fitQuantiles(x, m) };
      }),
    apply: (f, x) => {
      checkWidth("quantile", f.dim, x);
      const d = x.dim, out = zeros(x.rows, d), src = x.data, dst = out.data;
      for (let r = 0; r < x.rows; r++) {
        const o = r * d;
        for (let j = 0; j < d; j++) {
          dst[o + j] = cdf(f.quantiles, j * f.m, f.m, src[o + j]) - 0.5;
        }
      }
      return out;
    },
    outputDim: (f) => f.dim,
    artifact: {
      encode: (f) => ({ meta: { m: f.m }, arrays: { quantiles: f.quantiles } }),
      decode: (s, dim, _d) => {
        const m = sectionNumber(s, "m");
        return {
          dim,
          m,
          quantiles: sectionArray(s, "quantiles", Float32Array, dim * m),
        };
      },
    },
  };
