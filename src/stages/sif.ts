import { Schema } from "effect";
import { sifWeight } from "../aggregate/weighting.ts";
import { FitSource } from "./fit_source.ts";
import type { WeightingModule } from "./token_modules.ts";

/** Smooth inverse frequency weights a / (a + p(t)) (Arora et al.). */
export const SifStage: Schema.TaggedStruct<
  "sif",
  { readonly a: Schema.Number; readonly fitOn: typeof FitSource }
> = Schema.TaggedStruct("sif", {
  a: Schema.Number.check(Schema.isGreaterThan(0)),
  fitOn: FitSource,
});
/** A `sif` stage declaration, decoded. */
export type SifStage = typeof SifStage.Type;

/** SIF token weights with parameter `a` (default 1e-3) fitted on `fitOn`. */
export const sif = (a = 1e-3, fitOn: FitSource = "corpus"): SifStage => ({
  _tag: "sif",
  a,
  fitOn,
});

export const sifModule: WeightingModule<SifStage> = {
  tag: "sif",
  phase: "weighting",
  schema: SifStage,
  sources: (d) => [d.fitOn],
  needs: () => [],
  notPortable: () => undefined,
  weight: (d, stats) => sifWeight(stats(d.fitOn), d.a),
};
