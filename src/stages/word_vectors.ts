import { Schema } from "effect";
import type { StaticVectorsModule } from "./token_modules.ts";

/** A word2vec/GloVe text file, relative to the models folder. */
export const WordVectorsStage: Schema.TaggedStruct<
  "wordVectors",
  { readonly file: Schema.String }
> = Schema.TaggedStruct("wordVectors", {
  file: Schema.String,
});
/** A `wordVectors` stage declaration, decoded. */
export type WordVectorsStage = typeof WordVectorsStage.Type;

/** Word vectors read from `file` (word2vec/GloVe text format). */
export const wordVectors = (file: string): WordVectorsStage => ({
  _tag: "wordVectors",
  file,
});

export const wordVectorsModule: StaticVectorsModule<WordVectorsStage> = {
  tag: "wordVectors",
  phase: "vectors",
  kind: "static",
  needsModelTokenizer: false,
  schema: WordVectorsStage,
  sources: () => [],
  needs: (d) => [`word vectors ${d.file}`],
  notPortable: () => "it needs a word-vector file",
};
