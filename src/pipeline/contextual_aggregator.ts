import type { ContextualPooling } from "../aggregate/contextual_pool.ts";
import type { TokenStats } from "../aggregate/token_stats.ts";
import type { ContextualAggregator } from "./transformer_stage.ts";
import { makeAggregator } from "./aggregator.ts";
import type { FitSource, PipelineSpec } from "./spec.ts";

// Weights and filters are the static ones (idf, −biases); only the vectors
// differ, so one definition serves both kinds of encoder.
const NO_TABLE = { name: "none", dim: 0, vector: () => false };

/** The aggregate stage of a transformer pipeline, once its statistics are known. */
export const contextualAggregator = (
  spec: PipelineSpec,
  stats: (source: FitSource) => TokenStats,
): ContextualAggregator => {
  const { weight, keep } = makeAggregator(spec, NO_TABLE, stats);
  return { pooling: spec.pooling as ContextualPooling, weight, keep };
};
