import { Schema } from "effect";

/** A forward pass that ONNX Runtime refused or that broke on the way. */
export class ForwardFailed
  extends Schema.TaggedError<ForwardFailed>()("ForwardFailed", {
    model: Schema.String,
    backend: Schema.String,
    reason: Schema.String,
  }) {
  override get message(): string {
    return `Forward pass of ${this.model} on ${this.backend} failed: ${this.reason}`;
  }
}
