import { Schema } from "effect";
import type { StaticVectorsModule } from "./token_modules.ts";

const PositiveInt: Schema.Int = Schema.Int.check(Schema.isGreaterThan(0));
const NonNegativeInt: Schema.Int = Schema.Int.check(
  Schema.isGreaterThanOrEqualTo(0),
);

/** Seeded random vectors keyed by token id (or hashed word). */
export const RandomVectorsStage: Schema.TaggedStruct<"randomVectors", {
  readonly dim: Schema.Int;
  readonly seed: Schema.Int;
}> = Schema.TaggedStruct("randomVectors", {
  dim: PositiveInt,
  seed: NonNegativeInt,
});
/** A `randomVectors` stage declaration, decoded. */
export type RandomVectorsStage = typeof RandomVectorsStage.Type;

/** `dim`-dimensional seeded random token vectors. */
export const randomVectors = (dim: number, seed = 1): RandomVectorsStage => ({
  _tag: "randomVectors",
  dim,
  seed,
});

export const randomVectorsModule: StaticVectorsModule<RandomVectorsStage> = {
  tag: "randomVectors",
  phase: "vectors",
  kind: "static",
  needsModelTokenizer: false,
  schema: RandomVectorsStage,
  sources: () => [],
  needs: () => [],
  notPortable: () => undefined,
};
