import { Schema } from "effect";

/** A graph that Token Prepending cannot be written into, or a layer range it cannot take. */
export class TokenPrependingUnsupported
  extends Schema.TaggedError<TokenPrependingUnsupported>()(
    "TokenPrependingUnsupported",
    {
      path: Schema.String,
      reason: Schema.String,
    },
  ) {
  override get message(): string {
    return `Cannot add Token Prepending to ${this.path}: ${this.reason}`;
  }
}

export { PlaceholderUnplaceable } from "../../prompt/placeholder_unplaceable.ts";
