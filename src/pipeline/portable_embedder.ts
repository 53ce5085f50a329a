import type { TokenStats } from "../aggregate/token_stats.ts";
import {
  decodeStatistics,
  type FittedStatistics,
} from "../artifact/fitted_statistics.ts";
import type { Embeddings } from "../embeddings.ts";
import { applyChain } from "../postprocess/apply.ts";
import type { FittedStep } from "../postprocess/fitted.ts";
import { randomEncoder } from "../static/random_encoder.ts";
import { wordTokenizer } from "../tokenize/word_tokenizer.ts";
import { aggregate } from "./aggregate_stage.ts";
import { makeAggregator } from "./aggregator.ts";
import type { PipelineSpec } from "./spec.ts";

/**
 * Why a pipeline cannot run on a client from its spec, its artifact and
 * (for a transformer) its model's files; undefined when it can.
 */
export const portabilityProblem = (spec: PipelineSpec): string | undefined => {
  if (spec.encoder._tag === "transformer") {
    if (spec.tokenizer._tag === "words") return "it has no model tokenizer";
    if (spec.staticMix) return "it mixes in a static encoder";
    if (spec.sentenceTransformers) {
      return "its sentence-transformers modules run on the server only";
    }
  } else {
    if (spec.tokenizer._tag !== "words") return "it needs a tokenizer file";
    if (spec.encoder._tag !== "random") return "it needs a word-vector file";
  }
  const sources = [
    spec.weighting._tag === "uniform" ? undefined : spec.weighting.fitOn,
    spec.filters.frequent?.fitOn,
    spec.postprocess?.steps.some((s) => s._tag !== "l2")
      ? spec.postprocess.fitOn
      : undefined,
  ];
  if (sources.includes("input")) {
    return "its statistics are fitted on its input";
  }
  if (sources.includes("corpus") && !spec.artifact) {
    return "its corpus statistics are not shipped as an artifact";
  }
  return undefined;
};

/**
 * What a client reads from a pipeline's artifact: the fitted statistics,
 * and its token statistics for weights and filters that need them.
 */
export const shippedStatistics = (artifact?: Uint8Array) => {
  const fitted: FittedStatistics = artifact
    ? decodeStatistics(artifact).fitted
    : {};
  const stats = (): TokenStats => {
    if (!fitted.stats) {
      throw new Error("the artifact holds no token statistics");
    }
    return fitted.stats;
  };
  return { fitted, stats };
};

/**
 * The post-processing a client applies: the artifact's fitted chain, or,
 * for a spec whose only steps are L2 (nothing to fit), those steps.
 */
export const portableChain = (
  spec: PipelineSpec,
  fitted: { readonly postprocess?: ReadonlyArray<FittedStep> },
  dim: number,
): ReadonlyArray<FittedStep> =>
  fitted.postprocess ??
    (spec.postprocess?.steps ?? []).map((): FittedStep => ({
      _tag: "l2",
      dim,
    }));

/**
 * A static pipeline as a plain function, from its spec and its artifact's
 * bytes: no Effect runtime, filesystem or network, so the same code embeds
 * in a browser or a worker. The server path ({@link loadPipeline}) computes
 * identical vectors; a test holds them equal.
 */
export const portableEmbedder = (
  spec: PipelineSpec,
  artifact?: Uint8Array,
): (texts: ReadonlyArray<string>) => Embeddings => {
  const problem = portabilityProblem(spec);
  if (problem) {
    throw new Error(`pipeline "${spec.name}" cannot run portably: ${problem}`);
  }
  if (spec.tokenizer._tag !== "words" || spec.encoder._tag !== "random") {
    throw new Error("unreachable");
  }
  const { fitted, stats } = shippedStatistics(artifact);
  const tokenizer = wordTokenizer(spec.tokenizer);
  const encoder = randomEncoder(spec.encoder);
  const agg = makeAggregator(spec, encoder, stats);
  const chain = portableChain(spec, fitted, encoder.dim);
  return (texts) => {
    const pooled = aggregate(texts.map((t) => tokenizer.tokenize(t)), agg);
    return chain.length > 0 ? applyChain(chain, pooled) : pooled;
  };
};
