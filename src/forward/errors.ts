import type { Cause } from "effect";
import { Schema } from "effect";

/** The schema-backed base class of {@link ForwardFailed}. */
export const ForwardFailedBase: Schema.Class<
  ForwardFailed,
  Schema.TaggedStruct<
    "ForwardFailed",
    {
      readonly model: Schema.String;
      readonly backend: Schema.String;
      readonly reason: Schema.String;
    }
  >,
  Cause.YieldableError
> = Schema.TaggedError<ForwardFailed>()("ForwardFailed", {
  model: Schema.String,
  backend: Schema.String,
  reason: Schema.String,
});

/** A forward pass that ONNX Runtime refused or that broke on the way. */
export class ForwardFailed extends ForwardFailedBase {
  /** The message, built from the fields. */
  override get message(): string {
    return `Forward pass of ${this.model} on ${this.backend} failed: ${this.reason}`;
  }
}
