import { Schema } from "effect";

/**
 * A prompt as data (METHODS §3): a template with one `[X]` slot, the
 * sentence-cleaning rules of its method, and an optional in-context
 * demonstration prepended in the same format.
 */
export const PromptSpec: Schema.Struct<{
  readonly template: Schema.String;
  readonly appendPeriod: Schema.Boolean;
  readonly replaceDoubleQuotes: Schema.Boolean;
  readonly demonstration: Schema.optionalKey<
    Schema.Struct<
      { readonly sentence: Schema.String; readonly word: Schema.String }
    >
  >;
}> = Schema.Struct({
  /** e.g. `This sentence : "[X]" means in one word:"`. */
  template: Schema.String.check(
    Schema.makeFilter((t: string) =>
      t.split("[X]").length === 2 || "the template needs exactly one [X] slot"
    ),
  ),
  /** Append `.` to a sentence that does not end in `. ? " '`. */
  appendPeriod: Schema.Boolean,
  /** Replace `"` by `'` inside the sentence (PromptEOL). */
  replaceDoubleQuotes: Schema.Boolean,
  /** One (sentence, word) demonstration, filled into the template before the input. */
  demonstration: Schema.optionalKey(
    Schema.Struct({ sentence: Schema.String, word: Schema.String }),
  ),
});
/** A prompt stage's template and settings, decoded. */
export type PromptSpec = typeof PromptSpec.Type;
