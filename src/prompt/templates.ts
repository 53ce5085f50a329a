/** The templates of METHODS §3–§4, verbatim. */
export const TEMPLATES = {
  /** PromptBERT (encoders): the embedding is the [MASK] state. */
  promptBert: 'This sentence : "[X]" means [MASK] .',
  /** PromptEOL (decoders): the embedding is the last token's state. */
  promptEol: 'This sentence : "[X]" means in one word:"',
  /** Pretended chain-of-thought. */
  pretendedCot:
    'After thinking step by step , this sentence : "[X]" means in one word:"',
  /** Knowledge enhancement. */
  knowledge:
    'The essence of a sentence is often captured by its main subjects and actions, while descriptive terms provide additional but less central details. With this in mind , this sentence : "[X]" means in one word:"',
} as const;

/** Token Prepending's placeholder, inserted right before the opening quote. */
export const PST = "<PST>";

/**
 * The Token Prepending form of a template: `<PST>` right before the quote
 * that opens the `[X]` slot.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { TEMPLATES, withPlaceholder } from "./templates.ts";
 * assert.equal(
 *   withPlaceholder(TEMPLATES.promptEol),
 *   'This sentence : <PST> "[X]" means in one word:"',
 * );
 * ```
 */
export const withPlaceholder = (template: string): string => {
  const at = template.indexOf('"[X]');
  if (at < 0) throw new RangeError('template has no "[X] to prepend to');
  return `${template.slice(0, at)}${PST} ${template.slice(at)}`;
};
