import { Schema } from "effect";

/**
 * A llama2.c checkpoint or tokenizer file that cannot be read as one: short,
 * with trailing bytes, or with a header that describes no valid model.
 */
export class Llama2cFormatError
  extends Schema.TaggedError<Llama2cFormatError>()("Llama2cFormatError", {
    file: Schema.String,
    reason: Schema.String,
  }) {
  override get message(): string {
    return `Not a valid llama2.c file ${this.file}: ${this.reason}`;
  }
}
