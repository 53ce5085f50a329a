import type { Cause } from "effect";
import { Schema } from "effect";

/** The schema-backed base class of {@link OnnxParseError}. */
export const OnnxParseErrorBase: Schema.Class<
  OnnxParseError,
  Schema.TaggedStruct<
    "OnnxParseError",
    { readonly path: Schema.String; readonly reason: Schema.String }
  >,
  Cause.YieldableError
> = Schema.TaggedError<OnnxParseError>()("OnnxParseError", {
  path: Schema.String,
  reason: Schema.String,
});

/** An ONNX file that cannot be read or parsed. */
export class OnnxParseError extends OnnxParseErrorBase {
  /** The message, built from the fields. */
  override get message(): string {
    return `Cannot parse ONNX model ${this.path}: ${this.reason}`;
  }
}

/** The schema-backed base class of {@link LayersNotFound}. */
export const LayersNotFoundBase: Schema.Class<
  LayersNotFound,
  Schema.TaggedStruct<
    "LayersNotFound",
    { readonly path: Schema.String; readonly reason: Schema.String }
  >,
  Cause.YieldableError
> = Schema.TaggedError<LayersNotFound>()("LayersNotFound", {
  path: Schema.String,
  reason: Schema.String,
});

/** A graph whose transformer layers the finder cannot locate unambiguously. */
export class LayersNotFound extends LayersNotFoundBase {
  /** The message, built from the fields. */
  override get message(): string {
    return `Cannot find the transformer layers of ${this.path}: ${this.reason}`;
  }
}
