import type { FitSource, PipelineSpec } from "./spec.ts";

export type Statistics = "none" | "corpus" | "transductive";

const sources = (spec: PipelineSpec): FitSource[] => {
  const found: FitSource[] = [];
  if (spec.weighting._tag !== "uniform") found.push(spec.weighting.fitOn);
  if (spec.filters.frequent) found.push(spec.filters.frequent.fitOn);
  // L2 normalisation has nothing to fit, so it draws on no source.
  if (spec.postprocess?.steps.some((s) => s._tag !== "l2")) {
    found.push(spec.postprocess.fitOn);
  }
  // "Avg." tables are averaged over the corpus.
  if (averagedEncoder(spec)) found.push("corpus");
  return found;
};

/** The pipeline's "Avg." (contextual average) encoder, main or mixed in. */
export const averagedEncoder = (spec: PipelineSpec) =>
  spec.encoder._tag === "contextualAverage"
    ? spec.encoder
    : spec.staticMix?.encoder._tag === "contextualAverage"
    ? spec.staticMix.encoder
    : undefined;

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
  if (
    spec.encoder._tag === "transformer" ||
    spec.encoder._tag === "inputEmbeddings" ||
    spec.encoder._tag === "contextualAverage"
  ) {
    needs.push(
      `model weights ${spec.encoder.model}/${
        spec.encoder.file ?? "onnx/model.onnx"
      }`,
    );
  }
  if (spec.sentenceTransformers) needs.push("its modules.json");
  if (needsCorpus(spec)) {
    needs.push(
      spec.artifact
        ? `artifact ${spec.artifact} (shipped in artifacts/; no corpus)`
        : "corpus (SENTEMB_DATA)",
    );
  }
  return needs.length === 0 ? "nothing (no model weights)" : needs.join(", ");
};

/**
 * Whether the first k components of this pipeline's vectors are themselves a
 * sensible k-dimensional embedding, so a client may ask for fewer
 * `dimensions`: true for random token vectors under per-dimension
 * post-processing (each component is an independent random projection), and
 * for any pipeline whose last rotating step is whitening (components come
 * sorted by variance, so truncation is PCA).
 */
export const reducibleDimensions = (spec: PipelineSpec): boolean => {
  const steps = (spec.postprocess?.steps ?? []).filter((s) => s._tag !== "l2");
  const last = steps[steps.length - 1];
  if (last?._tag === "whiten") return true;
  return spec.encoder._tag === "random" &&
    steps.every((s) => s._tag !== "whiten");
};
