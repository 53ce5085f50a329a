import { Schema } from "effect";
import type { TokenizerModule } from "./token_modules.ts";

/**
 * A llama2.c checkpoint `<model>/<model>.bin` with its tokenizer file
 * (`tok512.bin`): read as llama2.c encodes; the checkpoint is exported to
 * ONNX once for the transformer stage.
 */
export const Llama2cTokenizerStage: Schema.TaggedStruct<"llama2cTokenizer", {
  readonly model: Schema.String;
  readonly tokenizer: Schema.String;
}> = Schema.TaggedStruct("llama2cTokenizer", {
  model: Schema.String,
  tokenizer: Schema.String,
});
/** A `llama2cTokenizer` stage declaration, decoded. */
export type Llama2cTokenizerStage = typeof Llama2cTokenizerStage.Type;

/** The tokenizer of llama2.c checkpoint `model` (file `tokenizer`). */
export const llama2cTokens = (
  model: string,
  tokenizer: string,
): Llama2cTokenizerStage => ({ _tag: "llama2cTokenizer", model, tokenizer });

export const llama2cTokenizerModule: TokenizerModule<Llama2cTokenizerStage> = {
  tag: "llama2cTokenizer",
  phase: "tokenizer",
  schema: Llama2cTokenizerStage,
  sources: () => [],
  needs: (d) => [`llama2.c checkpoint ${d.model}/${d.model}.bin`],
  notPortable: () => undefined,
};
