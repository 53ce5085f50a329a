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
    return `input ${this.index} has ${this.length} ${this.unit}; the limit is ${this.max}` +
      (this.unit === "tokens"
        ? ` — send "truncate": true to embed its first ${this.max} tokens`
        : "");
  }
}

/** A request whose inputs together have more characters than accepted. */
export class RequestTooLong
  extends Schema.TaggedError<RequestTooLong>()("RequestTooLong", {
    length: Schema.Number,
    max: Schema.Number,
  }) {
  override get message(): string {
    return `the inputs have ${this.length} characters together; at most ${this.max} are accepted in one request`;
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

/**
 * An input with a control character that tokenizers disagree on (some drop
 * it silently, some keep it): refused rather than embedded as something
 * other than what was sent. Tab, line feed and carriage return are allowed.
 */
export class InvalidCharacters
  extends Schema.TaggedError<InvalidCharacters>()("InvalidCharacters", {
    index: Schema.Number,
    position: Schema.Number,
    codePoint: Schema.Number,
  }) {
  override get message(): string {
    const cp = `U+${
      this.codePoint.toString(16).toUpperCase().padStart(4, "0")
    }`;
    return `input ${this.index} has the control character ${cp} at position ${this.position}; remove control characters other than tab, line feed and carriage return`;
  }
}

/** An answer over the server's cap on values (inputs × dimensions). */
export class AnswerTooLarge
  extends Schema.TaggedError<AnswerTooLarge>()("AnswerTooLarge", {
    values: Schema.Number,
    max: Schema.Number,
    encoding: Schema.String,
  }) {
  override get message(): string {
    return `the answer would hold ${this.values} ${this.encoding} values; at most ${this.max} are sent in one response — ` +
      (this.encoding === "float"
        ? `ask for encoding_format "base64", fewer inputs or fewer dimensions`
        : `send fewer inputs or ask for fewer dimensions`);
  }
}

/** A pipeline's queue is full: try again after `retryAfter` seconds. */
export class Overloaded extends Schema.TaggedError<Overloaded>()("Overloaded", {
  model: Schema.String,
  retryAfter: Schema.Number,
}) {
  override get message(): string {
    return `pipeline "${this.model}" has too many requests waiting; retry after ${this.retryAfter} s`;
  }
}

/** A request body not received within the server's read time limit. */
export class BodyTimeout
  extends Schema.TaggedError<BodyTimeout>()("BodyTimeout", {
    ms: Schema.Number,
  }) {
  override get message(): string {
    return `request body not received within ${this.ms} ms`;
  }
}

/** Too many request bodies being received at once. */
export class TooManyBodies
  extends Schema.TaggedError<TooManyBodies>()("TooManyBodies", {
    max: Schema.Number,
    retryAfter: Schema.Number,
  }) {
  override get message(): string {
    return `more than ${this.max} request bodies are being received; retry after ${this.retryAfter} s`;
  }
}

/** The first disallowed control character of a text, if any. */
export const controlCharacter = (
  text: string,
): { position: number; codePoint: number } | undefined => {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (
      (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) ||
      (c >= 0x7f && c <= 0x9f)
    ) return { position: i, codePoint: c };
  }
  return undefined;
};
