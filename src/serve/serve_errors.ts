import { Schema } from "effect";

/**
 * Failures particular to serving; the pipeline's own errors (unknown
 * pipeline, empty input, missing files) pass through unchanged.
 */

/** A request body that is not JSON of the documented shape. */
export class InvalidRequest
  extends Schema.TaggedError<InvalidRequest>()("InvalidRequest", {
    reason: Schema.String,
    param: Schema.optionalKey(Schema.String),
  }) {
  override get message(): string {
    return this.reason;
  }
}

/** More inputs in one request than the server accepts. */
export class TooManyInputs
  extends Schema.TaggedError<TooManyInputs>()("TooManyInputs", {
    count: Schema.Number,
    max: Schema.Number,
  }) {
  override get message(): string {
    return `${this.count} inputs in one request; at most ${this.max} are accepted`;
  }
}

/** An input longer than the per-input token limit, when truncation is off. */
export class InputTooLong
  extends Schema.TaggedError<InputTooLong>()("InputTooLong", {
    index: Schema.Number,
    length: Schema.Number,
    max: Schema.Number,
    unit: Schema.Literals(["tokens", "characters"]),
  }) {
  override get message(): string {
    return `input ${this.index} has ${this.length} ${this.unit}; the limit is ${this.max}`;
  }
}

/** A request body over the byte cap. */
export class BodyTooLarge
  extends Schema.TaggedError<BodyTooLarge>()("BodyTooLarge", {
    max: Schema.Number,
  }) {
  override get message(): string {
    return `request body exceeds ${this.max} bytes`;
  }
}

/** A pipeline that exists but cannot answer this request. */
export class PipelineNotServable
  extends Schema.TaggedError<PipelineNotServable>()("PipelineNotServable", {
    name: Schema.String,
    reason: Schema.String,
  }) {
  override get message(): string {
    return `pipeline "${this.name}" cannot serve this request: ${this.reason}`;
  }
}

/** The request did not complete within the server's time limit. */
export class RequestTimeout
  extends Schema.TaggedError<RequestTimeout>()("RequestTimeout", {
    ms: Schema.Number,
  }) {
  override get message(): string {
    return `request did not complete within ${this.ms} ms`;
  }
}

/** An artifact name that no served pipeline declares. */
export class UnknownArtifact
  extends Schema.TaggedError<UnknownArtifact>()("UnknownArtifact", {
    artifact: Schema.String,
  }) {
  override get message(): string {
    return `no served pipeline declares artifact "${this.artifact}"`;
  }
}

/** A pipeline (or one of its files) a client cannot run itself. */
export class NotPortable
  extends Schema.TaggedError<NotPortable>()("NotPortable", {
    model: Schema.String,
    reason: Schema.String,
  }) {
  override get message(): string {
    return `pipeline "${this.model}" does not run in the browser: ${this.reason}`;
  }
}

/** A static asset name the server does not serve. */
export class UnknownAsset
  extends Schema.TaggedError<UnknownAsset>()("UnknownAsset", {
    name: Schema.String,
  }) {
  override get message(): string {
    return `no asset ${JSON.stringify(this.name)}`;
  }
}
