import { pipeline } from "../src/pipeline/builder.ts";
import type { PipelineSpec } from "../src/pipeline/spec.ts";
import { TEMPLATES } from "../src/prompt/templates.ts";
import {
  layers,
  llama2cTokens,
  meanPool,
  modelTokenizer,
  pool,
  prompt,
  transformer,
} from "../src/stages/mod.ts";

const eol = { appendPeriod: true, replaceDoubleQuotes: true } as const;

/** PromptBERT (METHODS §3): the last-layer state at [MASK] of the template. */
export const promptBert = (
  name: string,
  model: string,
): PipelineSpec =>
  pipeline(
    name,
    prompt(TEMPLATES.promptBert, {
      appendPeriod: true,
      replaceDoubleQuotes: false,
    }),
    transformer(model),
    pool("mask"),
    {
      description:
        `PromptBERT on ${model}: last-layer [MASK] state of 'This sentence : "[X]" means [MASK] .'`,
    },
  );

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
    : modelTokenizer(model);
  const out = layers(settings.outputLayer);
  const tp = settings.tp;
  const range = `[${tp.start}, ${tp.exit})`;
  const decoder = (tokenPrepending?: typeof tp) =>
    transformer(model, {
      layers: out,
      ...(tokenPrepending ? { tokenPrepending } : {}),
    });
  const lastToken = (
    name: string,
    description: string,
    template: string,
    options: { demonstration?: typeof settings.demonstration; tp?: typeof tp } =
      {},
  ) =>
    pipeline(
      `${prefix}-${name}`,
      prompt(template, {
        ...eol,
        ...(options.demonstration
          ? { demonstration: options.demonstration }
          : {}),
      }),
      tokenizer,
      decoder(options.tp),
      pool("last"),
      { description },
    );
  return [
    lastToken(
      "prompteol",
      `PromptEOL on ${model}: last token at state ${settings.outputLayer}`,
      TEMPLATES.promptEol,
    ),
    lastToken(
      "prompteol-icl",
      `PromptEOL on ${model} with its best in-context demonstration`,
      TEMPLATES.promptEol,
      { demonstration: settings.demonstration },
    ),
    lastToken(
      "prompteol-tp",
      `PromptEOL + Token Prepending on ${model}, layers ${range}`,
      TEMPLATES.promptEol,
      { tp },
    ),
    lastToken(
      "cot-tp",
      `Pretended CoT + Token Prepending on ${model}, layers ${range}`,
      TEMPLATES.pretendedCot,
      { tp },
    ),
    lastToken(
      "knowledge-tp",
      `Knowledge prompt + Token Prepending on ${model}, layers ${range}`,
      TEMPLATES.knowledge,
      { tp },
    ),
    pipeline(`${prefix}-mean`, tokenizer, transformer(model), meanPool(), {
      description:
        `Mean of ${model}'s last hidden states, no prompt (baseline)`,
    }),
  ];
};
