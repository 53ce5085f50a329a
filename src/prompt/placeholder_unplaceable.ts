import type { Cause } from "effect";
import { Schema } from "effect";

/** The schema-backed base class of {@link PlaceholderUnplaceable}. */
export const PlaceholderUnplaceableBase: Schema.Class<
  PlaceholderUnplaceable,
  Schema.TaggedStruct<
    "PlaceholderUnplaceable",
    { readonly template: Schema.String; readonly reason: Schema.String }
  >,
  Cause.YieldableError
> = Schema.TaggedError<PlaceholderUnplaceable>()("PlaceholderUnplaceable", {
  template: Schema.String,
  reason: Schema.String,
});

/** A prompt whose `<PST>` placeholder cannot be placed between two tokens. */
export class PlaceholderUnplaceable extends PlaceholderUnplaceableBase {
  /** The message, built from the fields. */
  override get message(): string {
    return `Cannot place the <PST> placeholder in template ${
      JSON.stringify(this.template)
    }: ${this.reason}`;
  }
}
