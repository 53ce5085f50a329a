import { Effect, Schema } from "effect";
import { sectionArray, sectionNumber } from "../artifact/artifact_section.ts";
import { zeros } from "../embeddings.ts";
import { FitSource } from "./fit_source.ts";
import { principalDirections } from "./principal_directions.ts";
import type { SentenceStepModule } from "./stage_module.ts";
import { checkWidth, fittingSample } from "./step_sample.ts";

const PositiveInt: Schema.Int = Schema.Int.check(Schema.isGreaterThan(0));

/** "All but the top": centre, then remove the projections on the top-k principal directions. */
export const AbttStage: Schema.TaggedStruct<
  "abtt",
  { readonly k: Schema.Int; readonly fitOn: typeof FitSource }
> = Schema.TaggedStruct("abtt", {
  k: PositiveInt,
  fitOn: FitSource,
});
/** A `abtt` stage declaration, decoded. */
export type AbttStage = typeof AbttStage.Type;

/** Removes the mean and the top `k` directions of `fitOn` (default the corpus). */
export const abtt = (k: number, fitOn: FitSource = "corpus"): AbttStage => ({
  _tag: "abtt",
  k,
  fitOn,
});

/** The mean and the k × dim unit principal directions, largest variance first. */
export interface FittedAbtt {
  readonly dim: number;
  readonly k: number;
  readonly mean: Float32Array;
  readonly components: Float32Array;
}

export const abttModule: SentenceStepModule<AbttStage, FittedAbtt> = {
  tag: "abtt",
  phase: "sentence",
  schema: AbttStage,
  sources: (d) => [d.fitOn],
  needs: () => [],
  notPortable: () => undefined,
  prefix: "breaks",
  fit: (d, input) =>
    Effect.gen(function* () {
      const x = yield* fittingSample("abtt", input, 2);
      const dim = x.dim;
      const p = yield* principalDirections("abtt", x, d.k, false);
      const components = new Float32Array(d.k * dim);
      for (let c = 0; c < d.k; c++) {
        for (let i = 0; i < dim; i++) {
          components[c * dim + i] = p.vectors[i * dim + c];
        }
      }
      return { dim, k: d.k, mean: Float32Array.from(p.mean), components };
    }),
  apply: (f, x) => {
    checkWidth("abtt", f.dim, x);
    const d = x.dim, out = zeros(x.rows, d), src = x.data, dst = out.data;
    const u = f.components;
    for (let r = 0; r < x.rows; r++) {
      const o = r * d;
      for (let j = 0; j < d; j++) dst[o + j] = src[o + j] - f.mean[j];
      for (let c = 0; c < f.k; c++) {
        const uo = c * d;
        let dot = 0;
        for (let j = 0; j < d; j++) dot += dst[o + j] * u[uo + j];
        for (let j = 0; j < d; j++) dst[o + j] -= dot * u[uo + j];
      }
    }
    return out;
  },
  outputDim: (f) => f.dim,
  artifact: {
    encode: (f) => ({
      meta: { k: f.k },
      arrays: { mean: f.mean, components: f.components },
    }),
    decode: (s, dim, _d) => {
      const k = sectionNumber(s, "k");
      return {
        dim,
        k,
        mean: sectionArray(s, "mean", Float32Array, dim),
        components: sectionArray(s, "components", Float32Array, k * dim),
      };
    },
  },
};
