import { decodeStatistics } from "../artifact/fitted_statistics.ts";
import type { Embeddings } from "../embeddings.ts";
import { applyChain } from "../postprocess/apply.ts";
import { randomEncoder } from "../static/random_encoder.ts";
import { wordTokenizer } from "../tokenize/word_tokenizer.ts";
import { aggregate } from "./aggregate_stage.ts";
import { makeAggregator } from "./aggregator.ts";
import type { PipelineSpec } from "./spec.ts";

/** Why a pipeline cannot run without files: it needs a model folder or its input. */
export const portabilityProblem = (spec: PipelineSpec): string | undefined => {
  if (spec.tokenizer._tag !== "words") return "it needs a tokenizer file";
  if (spec.encoder._tag !== "random") return "it needs a word-vector file";
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
  const fitted = artifact ? decodeStatistics(artifact).fitted : {};
  const tokenizer = wordTokenizer(spec.tokenizer);
  const agg = makeAggregator(spec, randomEncoder(spec.encoder), () => {
    if (!fitted.stats) {
      throw new Error("the artifact holds no token statistics");
    }
    return fitted.stats;
  });
  const chain = fitted.postprocess ?? [];
  return (texts) => {
    const pooled = aggregate(texts.map((t) => tokenizer.tokenize(t)), agg);
    return chain.length > 0 ? applyChain(chain, pooled) : pooled;
  };
};
