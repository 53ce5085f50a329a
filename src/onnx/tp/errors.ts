import type { Cause } from "effect";
import { Schema } from "effect";

/** The schema-backed base class of {@link TokenPrependingUnsupported}. */
export const TokenPrependingUnsupportedBase: Schema.Class<
  TokenPrependingUnsupported,
  Schema.TaggedStruct<
    "TokenPrependingUnsupported",
    { readonly path: Schema.String; readonly reason: Schema.String }
  >,
  Cause.YieldableError
> = Schema.TaggedError<TokenPrependingUnsupported>()(
  "TokenPrependingUnsupported",
  {
    path: Schema.String,
    reason: Schema.String,
  },
);

/** A graph that Token Prepending cannot be written into, or a layer range it cannot take. */
export class TokenPrependingUnsupported extends TokenPrependingUnsupportedBase {
  /** The message, built from the fields. */
  override get message(): string {
    return `Cannot add Token Prepending to ${this.path}: ${this.reason}`;
  }
}

export { PlaceholderUnplaceable } from "../../prompt/placeholder_unplaceable.ts";
