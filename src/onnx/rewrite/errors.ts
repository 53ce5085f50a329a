import { Schema } from "effect";

/** An ONNX file that cannot be read or parsed. */
export class OnnxParseError
  extends Schema.TaggedError<OnnxParseError>()("OnnxParseError", {
    path: Schema.String,
    reason: Schema.String,
  }) {
  override get message(): string {
    return `Cannot parse ONNX model ${this.path}: ${this.reason}`;
  }
}

/** A graph whose transformer layers the finder cannot locate unambiguously. */
export class LayersNotFound
  extends Schema.TaggedError<LayersNotFound>()("LayersNotFound", {
    path: Schema.String,
    reason: Schema.String,
  }) {
  override get message(): string {
    return `Cannot find the transformer layers of ${this.path}: ${this.reason}`;
  }
}
