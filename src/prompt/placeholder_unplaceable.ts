import { Schema } from "effect";

/** A prompt whose `<PST>` placeholder cannot be placed between two tokens. */
export class PlaceholderUnplaceable
  extends Schema.TaggedError<PlaceholderUnplaceable>()(
    "PlaceholderUnplaceable",
    {
      template: Schema.String,
      reason: Schema.String,
    },
  ) {
  override get message(): string {
    return `Cannot place the <PST> placeholder in template ${
      JSON.stringify(this.template)
    }: ${this.reason}`;
  }
}
