import { Data } from "effect";

/** A forward pass that ONNX Runtime refused or that broke on the way. */
export class ForwardFailed extends Data.TaggedError("ForwardFailed")<{
  readonly model: string;
  readonly backend: string;
  readonly reason: string;
}> {
  override get message(): string {
    return `Forward pass of ${this.model} on ${this.backend} failed: ${this.reason}`;
  }
}
