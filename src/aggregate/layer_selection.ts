import { Schema } from "effect";

const NonNegativeInt: Schema.Int = Schema.Int.check(
  Schema.isGreaterThanOrEqualTo(0),
);

/**
 * Which hidden states a transformer reads (state 0 = embedding output,
 * L = last): one or an average of several, or a weighted mix.
 */
export const LayerSelection: Schema.Union<
  readonly [
    // deno-lint-ignore ban-types -- the fields of a struct without fields
    Schema.TaggedStruct<"last", {}>,
    Schema.TaggedStruct<
      "firstLast",
      { readonly first: Schema.optionalKey<Schema.Int> }
    >,
    Schema.TaggedStruct<
      "layers",
      { readonly indices: Schema.$Array<Schema.Int> }
    >,
    Schema.TaggedStruct<
      "mix",
      { readonly weights: Schema.$Array<Schema.Number> }
    >,
  ]
> = Schema.Union([
  Schema.TaggedStruct("last", {}),
  /** The average of state `first` (default 1, the first layer's output) and L. */
  Schema.TaggedStruct("firstLast", {
    first: Schema.optionalKey(NonNegativeInt),
  }),
  /** The average of the listed states; negative indices count from L (−1 = L). */
  Schema.TaggedStruct("layers", {
    indices: Schema.Array(Schema.Int).check(Schema.isMinLength(1)),
  }),
  /** Σ wᵢ·stateᵢ / Σ wᵢ over states 0…L, one weight per state. */
  Schema.TaggedStruct("mix", {
    weights: Schema.Array(Schema.Number.check(Schema.isGreaterThanOrEqualTo(0)))
      .check(Schema.isMinLength(1)),
  }),
]);
/** A LayerSelection, decoded. */
export type LayerSelection = typeof LayerSelection.Type;

/** The last hidden state. */
export const lastLayer = (): LayerSelection => ({ _tag: "last" });
/** The average of state `first` (default 1) and the last. */
export const firstLast = (first?: number): LayerSelection =>
  first === undefined ? { _tag: "firstLast" } : { _tag: "firstLast", first };
/** The average of the listed states (negative counts from the last). */
export const layers = (...indices: number[]): LayerSelection => ({
  _tag: "layers",
  indices,
});
/** A weighted mix of states 0…L. */
export const layerMix = (...weights: number[]): LayerSelection => ({
  _tag: "mix",
  weights,
});
