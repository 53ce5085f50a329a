import type { PromptSpec } from "./prompt_spec.ts";

const ENDINGS = new Set([".", "?", '"', "'"]);

/**
 * The cleaning rules of the prompt methods: a final `.` when the sentence
 * does not already end in `. ? " '` (PromptBERT showed that dropping it
 * collapses quality), then `"` → `'` so the sentence cannot close the
 * template's own quote (PromptEOL).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { cleanSentence } from "./wrap.ts";
 * const rules = { appendPeriod: true, replaceDoubleQuotes: true };
 * assert.equal(cleanSentence('He said "hi"', rules), "He said 'hi'");
 * assert.equal(cleanSentence("A cat sits", rules), "A cat sits.");
 * assert.equal(cleanSentence("Why?", rules), "Why?");
 * ```
 */
export const cleanSentence = (
  sentence: string,
  rules: Pick<PromptSpec, "appendPeriod" | "replaceDoubleQuotes">,
): string => {
  let s = sentence.trim();
  if (rules.appendPeriod && s.length > 0 && !ENDINGS.has(s[s.length - 1])) {
    s += ".";
  }
  if (rules.replaceDoubleQuotes) s = s.replaceAll('"', "'");
  return s;
};

/**
 * The text a model sees: the demonstration (if any) filled into the
 * template with its answer word and a closing quote-period, with no
 * separator, then the cleaned sentence in the template (METHODS §3).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { wrapSentence } from "./wrap.ts";
 * const prompt = {
 *   template: 'This sentence : "[X]" means in one word:"',
 *   appendPeriod: true,
 *   replaceDoubleQuotes: true,
 *   demonstration: { sentence: "A jockey riding a horse.", word: "Equestrian" },
 * };
 * assert.equal(
 *   wrapSentence("A man plays", prompt),
 *   'This sentence : "A jockey riding a horse." means in one word:"Equestrian".' +
 *     'This sentence : "A man plays." means in one word:"',
 * );
 * ```
 */
export const wrapSentence = (sentence: string, prompt: PromptSpec): string => {
  const fill = (s: string) => prompt.template.replace("[X]", s);
  const demo = prompt.demonstration
    ? `${
      fill(cleanSentence(prompt.demonstration.sentence, prompt))
    }${prompt.demonstration.word}".`
    : "";
  return demo + fill(cleanSentence(sentence, prompt));
};
