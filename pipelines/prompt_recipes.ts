import type { PipelineSpec } from "../src/pipeline/spec.ts";
import { TEMPLATES } from "../src/prompt/templates.ts";

const plain = { special: false, punctuation: false, subwords: false };
const eol = { appendPeriod: true, replaceDoubleQuotes: true } as const;

/** PromptBERT (METHODS §3): the last-layer state at [MASK] of the template. */
export const promptBert = (
  name: string,
  model: string,
): PipelineSpec => ({
  name,
  description:
    `PromptBERT on ${model}: last-layer [MASK] state of 'This sentence : "[X]" means [MASK] .'`,
  tokenizer: { _tag: "pretrained", model },
  encoder: { _tag: "transformer", model, layers: { _tag: "last" } },
  pooling: "mask",
  prompt: {
    template: TEMPLATES.promptBert,
    appendPeriod: true,
    replaceDoubleQuotes: false,
  },
  weighting: { _tag: "uniform" },
  filters: plain,
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
    ? { _tag: "llama2c", model, tokenizer: source.tokenizer } as const
    : { _tag: "pretrained", model } as const;
  const out = { _tag: "layers", indices: [settings.outputLayer] } as const;
  const base = {
    tokenizer,
    encoder: { _tag: "transformer", model, layers: out },
    pooling: "last",
    weighting: { _tag: "uniform" },
    filters: plain,
  } as const;
  const tp = settings.tp;
  const range = `[${tp.start}, ${tp.exit})`;
  return [
    {
      ...base,
      name: `${prefix}-prompteol`,
      description:
        `PromptEOL on ${model}: last token at state ${settings.outputLayer}`,
      prompt: { template: TEMPLATES.promptEol, ...eol },
    },
    {
      ...base,
      name: `${prefix}-prompteol-icl`,
      description:
        `PromptEOL on ${model} with its best in-context demonstration`,
      prompt: {
        template: TEMPLATES.promptEol,
        ...eol,
        demonstration: settings.demonstration,
      },
    },
    {
      ...base,
      name: `${prefix}-prompteol-tp`,
      description: `PromptEOL + Token Prepending on ${model}, layers ${range}`,
      prompt: { template: TEMPLATES.promptEol, ...eol },
      tokenPrepending: tp,
    },
    {
      ...base,
      name: `${prefix}-cot-tp`,
      description:
        `Pretended CoT + Token Prepending on ${model}, layers ${range}`,
      prompt: { template: TEMPLATES.pretendedCot, ...eol },
      tokenPrepending: tp,
    },
    {
      ...base,
      name: `${prefix}-knowledge-tp`,
      description:
        `Knowledge prompt + Token Prepending on ${model}, layers ${range}`,
      prompt: { template: TEMPLATES.knowledge, ...eol },
      tokenPrepending: tp,
    },
    {
      ...base,
      name: `${prefix}-mean`,
      description:
        `Mean of ${model}'s last hidden states, no prompt (baseline)`,
      encoder: { _tag: "transformer", model, layers: { _tag: "last" } },
      pooling: "mean",
    },
  ];
};
