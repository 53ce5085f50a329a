import type { FitSource } from "../stages/fit_source.ts";
import { stageOf } from "../stages/registry.ts";
import type { OutputPrecision } from "../stages/stage_module.ts";
import type { Plan } from "./plan.ts";

/** Which statistics a pipeline fits: none, on the corpus, or on its input (transductive). */
export type Statistics = "none" | "corpus" | "transductive";

/** Every source any stage fits statistics on. */
export const sourcesOf = (plan: Plan): ReadonlyArray<FitSource> =>
  plan.spec.stages.flatMap((d) => stageOf(d).sources(d));

/**
 * How a pipeline's statistics are fitted: `transductive` if anything is
 * fitted on the sentences being embedded, else `corpus` if anything is
 * fitted at all.
 */
export const statisticsOf = (plan: Plan): Statistics => {
  const s = sourcesOf(plan);
  return s.includes("input")
    ? "transductive"
    : s.length > 0
    ? "corpus"
    : "none";
};

/** Whether the pipeline reads the general corpus (or its artifact). */
export const needsCorpus = (plan: Plan): boolean =>
  sourcesOf(plan).includes("corpus");

/** What must be on disk besides the project, as people read it. */
export const requirementsOf = (plan: Plan): string => {
  const needs = plan.spec.stages.flatMap((d) => stageOf(d).needs(d));
  if (needsCorpus(plan)) {
    needs.push(
      plan.spec.artifact
        ? `artifact ${plan.spec.artifact} (no corpus)`
        : "corpus (SENTEMB_DATA)",
    );
  }
  const unique = [...new Set(needs)];
  return unique.length === 0 ? "nothing (no model weights)" : unique.join(", ");
};

/**
 * Why a pipeline cannot run on a client from its declaration, its artifact
 * and (for a transformer) its model's files; undefined when it can.
 */
export const portabilityProblem = (plan: Plan): string | undefined => {
  for (const d of plan.spec.stages) {
    const why = stageOf(d).notPortable(d);
    if (why) return why;
  }
  if (
    plan.vectors._tag !== "transformer" &&
    plan.tokenizer._tag !== "wordTokenizer"
  ) {
    // Clients fetch tokenizer files with a transformer's graph only.
    return "it needs a tokenizer file";
  }
  const sources = sourcesOf(plan);
  if (sources.includes("input")) {
    return "its statistics are fitted on its input";
  }
  if (sources.includes("corpus") && !plan.spec.artifact) {
    return "its corpus statistics are not shipped as an artifact";
  }
  return undefined;
};

/**
 * Whether the first k components of the output are themselves a sensible
 * k-dimensional embedding, so a client may ask for fewer `dimensions`: true
 * for random token vectors (each component an independent random
 * projection) through steps that keep components, and after whitening
 * (components sorted by variance, so truncation is PCA); each step module
 * says which it does.
 */
export const reducibleDimensions = (plan: Plan): boolean =>
  plan.steps.reduce(
    (ok, s) =>
      s.module.prefix === "sorts" ? true : s.module.prefix === "keeps" && ok,
    plan.vectors._tag === "randomVectors",
  );

/** The number type of the output: the last quantization step's, else float32. */
export const outputPrecision = (plan: Plan): OutputPrecision =>
  plan.steps.reduce<OutputPrecision>(
    (p, s) => s.module.precision?.(s.decl) ?? p,
    "float32",
  );

/** Whether the output rows are unit length (the last step normalises). */
export const unitLength = (plan: Plan): boolean => {
  const last = plan.steps[plan.steps.length - 1]?.decl._tag;
  return last === "l2";
};
