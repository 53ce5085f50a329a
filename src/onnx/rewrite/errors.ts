import { Data } from "effect";

/** An ONNX file that cannot be read or parsed. */
export class OnnxParseError extends Data.TaggedError("OnnxParseError")<{
  readonly path: string;
  readonly reason: string;
}> {
  override get message(): string {
    return `Cannot parse ONNX model ${this.path}: ${this.reason}`;
  }
}

/** A graph whose transformer layers the finder cannot locate unambiguously. */
export class LayersNotFound extends Data.TaggedError("LayersNotFound")<{
  readonly path: string;
  readonly reason: string;
}> {
  override get message(): string {
    return `Cannot find the transformer layers of ${this.path}: ${this.reason}`;
  }
}
