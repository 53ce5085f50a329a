import { Schema } from "effect";
import { idfWeight } from "../aggregate/weighting.ts";
import { FitSource } from "./fit_source.ts";
import type { WeightingModule } from "./token_modules.ts";

/** Inverse document frequency weights, fitted on the corpus or the input. */
export const IdfStage: Schema.TaggedStruct<
  "idf",
  { readonly fitOn: typeof FitSource }
> = Schema.TaggedStruct("idf", { fitOn: FitSource });
/** A `idf` stage declaration, decoded. */
export type IdfStage = typeof IdfStage.Type;

/** idf token weights fitted on `fitOn` (default the corpus). */
export const idf = (fitOn: FitSource = "corpus"): IdfStage => ({
  _tag: "idf",
  fitOn,
});

export const idfModule: WeightingModule<IdfStage> = {
  tag: "idf",
  phase: "weighting",
  schema: IdfStage,
  sources: (d) => [d.fitOn],
  needs: () => [],
  notPortable: () => undefined,
  weight: (d, stats) => idfWeight(stats(d.fitOn)),
};
