import { Effect, Schema } from "effect";
import type { ArtifactSection } from "../artifact/artifact_section.ts";
import type { StaticEncoder } from "../aggregate/static_encoder.ts";
import {
  contextualAverageModule,
  ContextualAverageStage,
} from "./contextual_average.ts";
import {
  inputEmbeddingsModule,
  InputEmbeddingsStage,
} from "./input_embeddings.ts";
import { randomVectorsModule, RandomVectorsStage } from "./random_vectors.ts";
import type { LoadError } from "./resources.ts";
import type { StaticVectorsModule, TableInput } from "./token_modules.ts";
import { wordVectorsModule, WordVectorsStage } from "./word_vectors.ts";

/** Any static token table: what a static pipeline or a static mix declares. */
export const StaticVectorsStage: Schema.Union<
  readonly [
    typeof RandomVectorsStage,
    typeof WordVectorsStage,
    typeof InputEmbeddingsStage,
    typeof ContextualAverageStage,
  ]
> = Schema.Union([
  RandomVectorsStage,
  WordVectorsStage,
  InputEmbeddingsStage,
  ContextualAverageStage,
]);
/** Any static vectors stage declaration, decoded. */
export type StaticVectorsStage = typeof StaticVectorsStage.Type;

/** The static vector modules by tag. */
export const STATIC_VECTORS: Readonly<
  Record<StaticVectorsStage["_tag"], StaticVectorsModule>
> = {
  randomVectors: randomVectorsModule as StaticVectorsModule,
  wordVectors: wordVectorsModule as StaticVectorsModule,
  inputEmbeddings: inputEmbeddingsModule as StaticVectorsModule,
  contextualAverage: contextualAverageModule as StaticVectorsModule,
};

/**
 * A static encoder from its declaration: a table fitted over the corpus (or
 * read from its shipped section) for "Avg.", else loaded as declared.
 */
export const resolveStaticVectors = (
  d: StaticVectorsStage,
  input: TableInput,
): Effect.Effect<
  { readonly encoder: StaticEncoder; readonly section?: ArtifactSection },
  LoadError
> => {
  const m = STATIC_VECTORS[d._tag];
  return m.fitTable
    ? m.fitTable(d, input)
    : Effect.map(input.resources.staticVectors(d), (encoder) => ({ encoder }));
};
