import { Data } from "effect";

/**
 * A llama2.c checkpoint or tokenizer file that cannot be read as one: short,
 * with trailing bytes, or with a header that describes no valid model.
 */
export class Llama2cFormatError extends Data.TaggedError("Llama2cFormatError")<{
  readonly file: string;
  readonly reason: string;
}> {
  override get message(): string {
    return `Not a valid llama2.c file ${this.file}: ${this.reason}`;
  }
}
