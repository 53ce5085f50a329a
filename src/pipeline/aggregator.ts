import { tokenFilter } from "../aggregate/token_filter.ts";
import { mostFrequent, type TokenStats } from "../aggregate/token_stats.ts";
import {
  idfWeight,
  sifWeight,
  type TokenWeight,
  uniformWeight,
} from "../aggregate/weighting.ts";
import type { StaticEncoder } from "../static/static_encoder.ts";
import type { Aggregator } from "./aggregate_stage.ts";
import type { FitSource, PipelineSpec } from "./spec.ts";

/**
 * The aggregate stage of a spec, once its statistics are known: weights,
 * filters (the fixed stop list plus the N most frequent tokens) and pooling.
 * Pure, with no Effect or filesystem import, so the browser bundle uses it.
 */
export const makeAggregator = (
  spec: PipelineSpec,
  encoder: StaticEncoder,
  stats: (source: FitSource) => TokenStats,
): Aggregator => {
  const drop = new Set(spec.filters.stopwords ?? []);
  if (spec.filters.frequent) {
    const f = spec.filters.frequent;
    for (const t of mostFrequent(stats(f.fitOn), f.count)) drop.add(t);
  }
  const w = spec.weighting;
  const weight: TokenWeight = w._tag === "idf"
    ? idfWeight(stats(w.fitOn))
    : w._tag === "sif"
    ? sifWeight(stats(w.fitOn), w.a)
    : uniformWeight;
  return {
    encoder,
    weight,
    keep: tokenFilter({ ...spec.filters, drop }),
    // Static encoders pool by mean or max only; load checks it first.
    pooling: spec.pooling === "max" ? "max" : "mean",
  };
};
