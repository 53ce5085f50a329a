import type { Cause } from "effect";
import { Schema } from "effect";

/** The schema-backed base class of {@link Llama2cFormatError}. */
export const Llama2cFormatErrorBase: Schema.Class<
  Llama2cFormatError,
  Schema.TaggedStruct<
    "Llama2cFormatError",
    { readonly file: Schema.String; readonly reason: Schema.String }
  >,
  Cause.YieldableError
> = Schema.TaggedError<Llama2cFormatError>()("Llama2cFormatError", {
  file: Schema.String,
  reason: Schema.String,
});

/**
 * A llama2.c checkpoint or tokenizer file that cannot be read as one: short,
 * with trailing bytes, or with a header that describes no valid model.
 */
export class Llama2cFormatError extends Llama2cFormatErrorBase {
  /** The message, built from the fields. */
  override get message(): string {
    return `Not a valid llama2.c file ${this.file}: ${this.reason}`;
  }
}
