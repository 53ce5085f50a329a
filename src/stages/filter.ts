import { Schema } from "effect";
import { tokenFilter } from "../aggregate/token_filter.ts";
import { mostFrequent } from "../tokenize/token_stats.ts";
import { FitSource } from "./fit_source.ts";
import type { FilterModule } from "./token_modules.ts";

const PositiveInt: Schema.Int = Schema.Int.check(Schema.isGreaterThan(0));

/** Tokens left out of pooling (the "−biases" of PromptBERT, METHODS §1). */
export const FilterStage: Schema.TaggedStruct<"filter", {
  readonly special: Schema.Boolean;
  readonly punctuation: Schema.Boolean;
  readonly subwords: Schema.Boolean;
  readonly stopwords: Schema.optionalKey<Schema.$Array<Schema.String>>;
  readonly frequent: Schema.optionalKey<
    Schema.Struct<
      { readonly count: Schema.Int; readonly fitOn: typeof FitSource }
    >
  >;
}> = Schema.TaggedStruct("filter", {
  special: Schema.Boolean,
  punctuation: Schema.Boolean,
  subwords: Schema.Boolean,
  /** A fixed stop list (e.g. PromptBERT's frequent-token list). */
  stopwords: Schema.optionalKey(Schema.Array(Schema.String)),
  /** Drop the `count` most frequent tokens of the fitted collection. */
  frequent: Schema.optionalKey(
    Schema.Struct({ count: PositiveInt, fitOn: FitSource }),
  ),
});
/** A `filter` stage declaration, decoded. */
export type FilterStage = typeof FilterStage.Type;

/** Drops special tokens, punctuation, `##` subwords and listed or frequent tokens. */
export const dropTokens = (
  options: Partial<Omit<FilterStage, "_tag">>,
): FilterStage => ({
  _tag: "filter",
  special: options.special ?? false,
  punctuation: options.punctuation ?? false,
  subwords: options.subwords ?? false,
  ...(options.stopwords ? { stopwords: options.stopwords } : {}),
  ...(options.frequent ? { frequent: options.frequent } : {}),
});

export const filterModule: FilterModule<FilterStage> = {
  tag: "filter",
  phase: "filter",
  schema: FilterStage,
  sources: (d) => (d.frequent ? [d.frequent.fitOn] : []),
  needs: () => [],
  notPortable: () => undefined,
  keep: (d, stats) => {
    const drop = new Set(d.stopwords ?? []);
    if (d.frequent) {
      for (const t of mostFrequent(stats(d.frequent.fitOn), d.frequent.count)) {
        drop.add(t);
      }
    }
    return tokenFilter({ ...d, drop });
  },
};
