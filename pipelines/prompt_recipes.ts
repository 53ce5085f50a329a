import type { PipelineSpec } from "../src/pipeline/spec.ts";
import { recipe } from "../src/recipes/recipes.ts";
import { llama2cTokens, modelTokenizer } from "../src/stages/mod.ts";

/** PromptBERT (METHODS §3): the last-layer state at [MASK] of the template. */
export const promptBert = (
  name: string,
  model: string,
): PipelineSpec =>
  recipe("promptbert", model, {
    name,
    description:
      `PromptBERT on ${model}: last-layer [MASK] state of 'This sentence : "[X]" means [MASK] .'`,
  });

/** How a decoder is named: a pretrained folder, or a llama2.c checkpoint. */
export type DecoderSource =
  | { readonly kind: "pretrained"; readonly model: string }
  | {
    readonly kind: "llama2c";
    readonly model: string;
    readonly tokenizer: string;
  };

export interface DecoderSettings {
  /** Output layer (early exit), as a state index; negative counts from L. */
  readonly outputLayer: number;
  /** Token Prepending range [start, exit). */
  readonly tp: { readonly start: number; readonly exit: number };
  /** The demonstration `deno task demos` chose on STS-B dev. */
  readonly demonstration: { readonly sentence: string; readonly word: string };
}

/**
 * The decoder recipes of METHODS §3–§4 for one model: PromptEOL, PromptEOL
 * with its best demonstration, PromptEOL+TP, Pretended-CoT+TP, Knowledge+TP,
 * and plain mean pooling as the baseline.
 */
export const decoderRecipes = (
  prefix: string,
  source: DecoderSource,
  settings: DecoderSettings,
): PipelineSpec[] => {
  const { model } = source;
  const tokenizer = source.kind === "llama2c"
    ? llama2cTokens(model, source.tokenizer)
    : undefined;
  const tp = settings.tp;
  const range = `[${tp.start}, ${tp.exit})`;
  const r = (name: string, as: string, description: string) =>
    recipe(name, model, {
      name: `${prefix}-${as}`,
      description,
      outputLayer: settings.outputLayer,
      tp,
      demonstration: settings.demonstration,
      ...(tokenizer ? { tokenizer } : {}),
    });
  return [
    r(
      "prompteol",
      "prompteol",
      `PromptEOL on ${model}: last token at state ${settings.outputLayer}`,
    ),
    r(
      "prompteol-icl",
      "prompteol-icl",
      `PromptEOL on ${model} with its best in-context demonstration`,
    ),
    r(
      "prompteol-tp",
      "prompteol-tp",
      `PromptEOL + Token Prepending on ${model}, layers ${range}`,
    ),
    r(
      "cot-tp",
      "cot-tp",
      `Pretended CoT + Token Prepending on ${model}, layers ${range}`,
    ),
    r(
      "knowledge-tp",
      "knowledge-tp",
      `Knowledge prompt + Token Prepending on ${model}, layers ${range}`,
    ),
    // The baseline: no prompt, the last layer (the output layer is not used).
    recipe("mean", model, {
      name: `${prefix}-mean`,
      description:
        `Mean of ${model}'s last hidden states, no prompt (baseline)`,
      tokenizer: tokenizer ?? modelTokenizer(model),
    }),
  ];
};
