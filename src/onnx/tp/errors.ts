import { Data } from "effect";

/** A graph that Token Prepending cannot be written into, or a layer range it cannot take. */
export class TokenPrependingUnsupported
  extends Data.TaggedError("TokenPrependingUnsupported")<{
    readonly path: string;
    readonly reason: string;
  }> {
  override get message(): string {
    return `Cannot add Token Prepending to ${this.path}: ${this.reason}`;
  }
}

/** A prompt whose `<PST>` placeholder cannot be placed between two tokens. */
export class PlaceholderUnplaceable
  extends Data.TaggedError("PlaceholderUnplaceable")<{
    readonly template: string;
    readonly reason: string;
  }> {
  override get message(): string {
    return `Cannot place the <PST> placeholder in template ${
      JSON.stringify(this.template)
    }: ${this.reason}`;
  }
}
