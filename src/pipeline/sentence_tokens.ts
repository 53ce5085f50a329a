import { placeholderTokens } from "../prompt/placeholder_tokens.ts";
import { wrapSentence } from "../prompt/wrap.ts";
import type { Tokenized, Tokenizer } from "../tokenize/tokenized.ts";
import { truncateTokens } from "../tokenize/truncate.ts";
import type { PipelineSpec } from "./spec.ts";

/**
 * The Token Prepending range a spec really runs: an empty range overwrites
 * nothing and has no placeholder either, so it is exactly the plain prompt.
 */
export const activeTokenPrepending = (spec: PipelineSpec) =>
  spec.tokenPrepending &&
    spec.tokenPrepending.start < spec.tokenPrepending.exit
    ? spec.tokenPrepending
    : undefined;

/**
 * A sentence as the pipeline feeds it: prompt-wrapped (with the `<PST>`
 * placeholder under Token Prepending), tokenized, and cut to `maxTokens`
 * where the encoder has a limit. Server and browser share it.
 */
export const sentenceTokenizer = (
  spec: PipelineSpec,
  tokenizer: Tokenizer,
  maxTokens?: number,
) => {
  const tp = activeTokenPrepending(spec);
  return (text: string): Tokenized => {
    const t = tp && spec.prompt
      ? placeholderTokens(tokenizer, spec.prompt, text, tp.placeholderId ?? 0)
      : tokenizer.tokenize(
        spec.prompt ? wrapSentence(text, spec.prompt) : text,
      );
    return maxTokens === undefined ? t : truncateTokens(t, maxTokens);
  };
};
