import { placeholderTokens } from "../prompt/placeholder_tokens.ts";
import { wrapSentence } from "../prompt/wrap.ts";
import { activeTokenPrepending } from "../stages/transformer.ts";
import type { Tokenized, Tokenizer } from "../tokenize/tokenized.ts";
import { truncateTokens } from "../tokenize/truncate.ts";
import type { Plan } from "./plan.ts";

/** The Token Prepending range a plan really runs, if any. */
export const planTokenPrepending = (plan: Plan) =>
  plan.vectors._tag === "transformer"
    ? activeTokenPrepending(plan.vectors)
    : undefined;

/**
 * A sentence as the pipeline feeds it: prompt-wrapped (with the `<PST>`
 * placeholder under Token Prepending), tokenized, and cut to `maxTokens`
 * where the encoder has a limit. Server and browser share it.
 */
export const sentenceTokenizer = (
  plan: Plan,
  tokenizer: Tokenizer,
  maxTokens?: number,
): (text: string) => Tokenized => {
  const tp = planTokenPrepending(plan);
  const prompt = plan.prompt;
  return (text) => {
    const t = tp && prompt
      ? placeholderTokens(tokenizer, prompt, text, tp.placeholderId ?? 0)
      : tokenizer.tokenize(prompt ? wrapSentence(text, prompt) : text);
    return maxTokens === undefined ? t : truncateTokens(t, maxTokens);
  };
};
