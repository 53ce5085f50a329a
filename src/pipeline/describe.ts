import type { FitSource, PipelineSpec } from "./spec.ts";

export type Statistics = "none" | "corpus" | "transductive";

const sources = (spec: PipelineSpec): FitSource[] => {
  const found: FitSource[] = [];
  if (spec.weighting._tag !== "uniform") found.push(spec.weighting.fitOn);
  if (spec.filters.frequent) found.push(spec.filters.frequent.fitOn);
  if (spec.postprocess && spec.postprocess.steps.length > 0) {
    found.push(spec.postprocess.fitOn);
  }
  return found;
};

/**
 * How a pipeline's statistics are fitted: `transductive` if anything is
 * fitted on the sentences being embedded, else `corpus` if anything is
 * fitted at all.
 */
export const statisticsOf = (spec: PipelineSpec): Statistics => {
  const s = sources(spec);
  return s.includes("input")
    ? "transductive"
    : s.length > 0
    ? "corpus"
    : "none";
};

/** Whether the pipeline reads the general corpus from the data folder. */
export const needsCorpus = (spec: PipelineSpec): boolean =>
  sources(spec).includes("corpus");

/** What must be on disk besides the project: model weights, or nothing. */
export const requirementsOf = (spec: PipelineSpec): string => {
  const needs: string[] = [];
  if (spec.tokenizer._tag === "pretrained") {
    needs.push(`tokenizer ${spec.tokenizer.model}`);
  }
  if (spec.encoder._tag === "wordVectors") {
    needs.push(`word vectors ${spec.encoder.file}`);
  }
  if (needsCorpus(spec)) needs.push("corpus (SENTEMB_DATA)");
  return needs.length === 0 ? "nothing (no model weights)" : needs.join(", ");
};
