import { Schema } from "effect";
import type { StaticVectorsModule } from "./token_modules.ts";

/** The input embedding table of a model's ONNX graph, as static vectors. */
export const InputEmbeddingsStage: Schema.TaggedStruct<"inputEmbeddings", {
  readonly model: Schema.String;
  readonly file: Schema.optionalKey<Schema.String>;
}> = Schema.TaggedStruct("inputEmbeddings", {
  model: Schema.String,
  file: Schema.optionalKey(Schema.String),
});
/** A `inputEmbeddings` stage declaration, decoded. */
export type InputEmbeddingsStage = typeof InputEmbeddingsStage.Type;

/** Model `model`'s input embedding table. */
export const inputEmbeddings = (
  model: string,
  file?: string,
): InputEmbeddingsStage => ({
  _tag: "inputEmbeddings",
  model,
  ...(file ? { file } : {}),
});

export const inputEmbeddingsModule: StaticVectorsModule<InputEmbeddingsStage> =
  {
    tag: "inputEmbeddings",
    phase: "vectors",
    kind: "static",
    needsModelTokenizer: true,
    schema: InputEmbeddingsStage,
    sources: () => [],
    needs: (d) => [
      `model weights ${d.model}/${d.file ?? "onnx/model.onnx"}`,
    ],
    notPortable: () => "it reads a model's embedding table on the server",
  };
