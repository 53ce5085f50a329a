import { Schema } from "effect";
import type { TokenizerModule } from "./token_modules.ts";

/** Vocabulary-free words (no file needed); ids are hashes of the words. */
export const WordTokenizerStage: Schema.TaggedStruct<"wordTokenizer", {
  readonly lowercase: Schema.Boolean;
  readonly stem: Schema.optionalKey<Schema.Boolean>;
}> = Schema.TaggedStruct("wordTokenizer", {
  lowercase: Schema.Boolean,
  /** Reduce words to Porter stems ("playing" → "plai"). */
  stem: Schema.optionalKey(Schema.Boolean),
});
/** A `wordTokenizer` stage declaration, decoded. */
export type WordTokenizerStage = typeof WordTokenizerStage.Type;

/** Splits text into words (lowercased, optionally stemmed). */
export const wordTokens = (
  options: { lowercase?: boolean; stem?: boolean } = {},
): WordTokenizerStage => ({
  _tag: "wordTokenizer",
  lowercase: options.lowercase ?? true,
  ...(options.stem === undefined ? {} : { stem: options.stem }),
});

export const wordTokenizerModule: TokenizerModule<WordTokenizerStage> = {
  tag: "wordTokenizer",
  phase: "tokenizer",
  schema: WordTokenizerStage,
  sources: () => [],
  needs: () => [],
  notPortable: () => undefined,
};
