import { Schema } from "effect";
import { PromptSpec } from "../prompt/prompt_spec.ts";
import type { PromptModule } from "./token_modules.ts";

/**
 * A prompt template the sentence is wrapped in before tokenization
 * (PromptBERT, PromptEOL, METHODS §3).
 */
export const PromptStage: Schema.TaggedStruct<
  "prompt",
  typeof PromptSpec.fields
> = Schema.TaggedStruct("prompt", PromptSpec.fields);
/** A `prompt` stage declaration, decoded. */
export type PromptStage = typeof PromptStage.Type;

/** Wraps sentences in `template` (one `[X]` slot). */
export const prompt = (
  template: string,
  options: Omit<PromptSpec, "template"> = {
    appendPeriod: false,
    replaceDoubleQuotes: false,
  },
): PromptStage => ({ _tag: "prompt", template, ...options });

export const promptModule: PromptModule<PromptStage> = {
  tag: "prompt",
  phase: "prompt",
  schema: PromptStage,
  sources: () => [],
  needs: () => [],
  notPortable: () => undefined,
};
