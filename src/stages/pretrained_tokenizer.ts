import { Schema } from "effect";
import type { TokenizerModule } from "./token_modules.ts";

/** The tokenizer of a model folder (`tokenizer.json`), or a hub id. */
export const PretrainedTokenizerStage: Schema.TaggedStruct<
  "pretrainedTokenizer",
  { readonly model: Schema.String }
> = Schema.TaggedStruct(
  "pretrainedTokenizer",
  { model: Schema.String },
);
/** A `pretrainedTokenizer` stage declaration, decoded. */
export type PretrainedTokenizerStage = typeof PretrainedTokenizerStage.Type;

/** The tokenizer of model `model`. */
export const modelTokenizer = (model: string): PretrainedTokenizerStage => ({
  _tag: "pretrainedTokenizer",
  model,
});

export const pretrainedTokenizerModule: TokenizerModule<
  PretrainedTokenizerStage
> = {
  tag: "pretrainedTokenizer",
  phase: "tokenizer",
  schema: PretrainedTokenizerStage,
  sources: () => [],
  needs: (d) => [`tokenizer ${d.model}`],
  notPortable: () => undefined,
};
