import type { Cause } from "effect";
import { Schema } from "effect";

/**
 * Failures particular to serving; the pipeline's own errors (unknown
 * pipeline, empty input, missing files) pass through unchanged.
 */

/** The schema-backed base class of {@link InvalidRequest}. */
export const InvalidRequestBase: Schema.Class<
  InvalidRequest,
  Schema.TaggedStruct<
    "InvalidRequest",
    {
      readonly reason: Schema.String;
      readonly param: Schema.optionalKey<Schema.String>;
    }
  >,
  Cause.YieldableError
> = Schema.TaggedError<InvalidRequest>()("InvalidRequest", {
  reason: Schema.String,
  param: Schema.optionalKey(Schema.String),
});

/** A request body that is not JSON of the documented shape. */
export class InvalidRequest extends InvalidRequestBase {
  /** The message, built from the fields. */
  override get message(): string {
    return this.reason;
  }
}

/** The schema-backed base class of {@link TooManyInputs}. */
export const TooManyInputsBase: Schema.Class<
  TooManyInputs,
  Schema.TaggedStruct<
    "TooManyInputs",
    { readonly count: Schema.Number; readonly max: Schema.Number }
  >,
  Cause.YieldableError
> = Schema.TaggedError<TooManyInputs>()("TooManyInputs", {
  count: Schema.Number,
  max: Schema.Number,
});

/** More inputs in one request than the server accepts. */
export class TooManyInputs extends TooManyInputsBase {
  /** The message, built from the fields. */
  override get message(): string {
    return `${this.count} inputs in one request; at most ${this.max} are accepted`;
  }
}

/** The schema-backed base class of {@link InputTooLong}. */
export const InputTooLongBase: Schema.Class<
  InputTooLong,
  Schema.TaggedStruct<
    "InputTooLong",
    {
      readonly index: Schema.Number;
      readonly length: Schema.Number;
      readonly max: Schema.Number;
      readonly unit: Schema.Literals<readonly ["tokens", "characters"]>;
    }
  >,
  Cause.YieldableError
> = Schema.TaggedError<InputTooLong>()("InputTooLong", {
  index: Schema.Number,
  length: Schema.Number,
  max: Schema.Number,
  unit: Schema.Literals(["tokens", "characters"]),
});

/** An input longer than the per-input token limit, when truncation is off. */
export class InputTooLong extends InputTooLongBase {
  /** The message, built from the fields. */
  override get message(): string {
    return `input ${this.index} has ${this.length} ${this.unit}; the limit is ${this.max}` +
      (this.unit === "tokens"
        ? ` — send "truncate": true to embed its first ${this.max} tokens`
        : "");
  }
}

/** The schema-backed base class of {@link RequestTooLong}. */
export const RequestTooLongBase: Schema.Class<
  RequestTooLong,
  Schema.TaggedStruct<
    "RequestTooLong",
    { readonly length: Schema.Number; readonly max: Schema.Number }
  >,
  Cause.YieldableError
> = Schema.TaggedError<RequestTooLong>()("RequestTooLong", {
  length: Schema.Number,
  max: Schema.Number,
});

/** A request whose inputs together have more characters than accepted. */
export class RequestTooLong extends RequestTooLongBase {
  /** The message, built from the fields. */
  override get message(): string {
    return `the inputs have ${this.length} characters together; at most ${this.max} are accepted in one request`;
  }
}

/** The schema-backed base class of {@link BodyTooLarge}. */
export const BodyTooLargeBase: Schema.Class<
  BodyTooLarge,
  Schema.TaggedStruct<"BodyTooLarge", { readonly max: Schema.Number }>,
  Cause.YieldableError
> = Schema.TaggedError<BodyTooLarge>()("BodyTooLarge", {
  max: Schema.Number,
});

/** A request body over the byte cap. */
export class BodyTooLarge extends BodyTooLargeBase {
  /** The message, built from the fields. */
  override get message(): string {
    return `request body exceeds ${this.max} bytes`;
  }
}

/** The schema-backed base class of {@link PipelineNotServable}. */
export const PipelineNotServableBase: Schema.Class<
  PipelineNotServable,
  Schema.TaggedStruct<
    "PipelineNotServable",
    { readonly name: Schema.String; readonly reason: Schema.String }
  >,
  Cause.YieldableError
> = Schema.TaggedError<PipelineNotServable>()("PipelineNotServable", {
  name: Schema.String,
  reason: Schema.String,
});

/** A pipeline that exists but cannot answer this request. */
export class PipelineNotServable extends PipelineNotServableBase {
  /** The message, built from the fields. */
  override get message(): string {
    return `pipeline "${this.name}" cannot serve this request: ${this.reason}`;
  }
}

/** The schema-backed base class of {@link RequestTimeout}. */
export const RequestTimeoutBase: Schema.Class<
  RequestTimeout,
  Schema.TaggedStruct<"RequestTimeout", { readonly ms: Schema.Number }>,
  Cause.YieldableError
> = Schema.TaggedError<RequestTimeout>()("RequestTimeout", {
  ms: Schema.Number,
});

/** The request did not complete within the server's time limit. */
export class RequestTimeout extends RequestTimeoutBase {
  /** The message, built from the fields. */
  override get message(): string {
    return `request did not complete within ${this.ms} ms`;
  }
}

/** The schema-backed base class of {@link UnknownArtifact}. */
export const UnknownArtifactBase: Schema.Class<
  UnknownArtifact,
  Schema.TaggedStruct<"UnknownArtifact", { readonly artifact: Schema.String }>,
  Cause.YieldableError
> = Schema.TaggedError<UnknownArtifact>()("UnknownArtifact", {
  artifact: Schema.String,
});

/** An artifact name that no served pipeline declares. */
export class UnknownArtifact extends UnknownArtifactBase {
  /** The message, built from the fields. */
  override get message(): string {
    return `no served pipeline declares artifact "${this.artifact}"`;
  }
}

/** The schema-backed base class of {@link NotPortable}. */
export const NotPortableBase: Schema.Class<
  NotPortable,
  Schema.TaggedStruct<
    "NotPortable",
    { readonly model: Schema.String; readonly reason: Schema.String }
  >,
  Cause.YieldableError
> = Schema.TaggedError<NotPortable>()("NotPortable", {
  model: Schema.String,
  reason: Schema.String,
});

/** A pipeline (or one of its files) a client cannot run itself. */
export class NotPortable extends NotPortableBase {
  /** The message, built from the fields. */
  override get message(): string {
    return `pipeline "${this.model}" does not run in the browser: ${this.reason}`;
  }
}

/** The schema-backed base class of {@link UnknownAsset}. */
export const UnknownAssetBase: Schema.Class<
  UnknownAsset,
  Schema.TaggedStruct<"UnknownAsset", { readonly name: Schema.String }>,
  Cause.YieldableError
> = Schema.TaggedError<UnknownAsset>()("UnknownAsset", {
  name: Schema.String,
});

/** A static asset name the server does not serve. */
export class UnknownAsset extends UnknownAssetBase {
  /** The message, built from the fields. */
  override get message(): string {
    return `no asset ${JSON.stringify(this.name)}`;
  }
}

/** The schema-backed base class of {@link InvalidCharacters}. */
export const InvalidCharactersBase: Schema.Class<
  InvalidCharacters,
  Schema.TaggedStruct<
    "InvalidCharacters",
    {
      readonly index: Schema.Number;
      readonly position: Schema.Number;
      readonly codePoint: Schema.Number;
    }
  >,
  Cause.YieldableError
> = Schema.TaggedError<InvalidCharacters>()("InvalidCharacters", {
  index: Schema.Number,
  position: Schema.Number,
  codePoint: Schema.Number,
});

/**
 * An input with a control character that tokenizers disagree on (some drop
 * it silently, some keep it): refused rather than embedded as something
 * other than what was sent. Tab, line feed and carriage return are allowed.
 */
export class InvalidCharacters extends InvalidCharactersBase {
  /** The message, built from the fields. */
  override get message(): string {
    const cp = `U+${
      this.codePoint.toString(16).toUpperCase().padStart(4, "0")
    }`;
    return `input ${this.index} has the control character ${cp} at position ${this.position}; remove control characters other than tab, line feed and carriage return`;
  }
}

/** The schema-backed base class of {@link AnswerTooLarge}. */
export const AnswerTooLargeBase: Schema.Class<
  AnswerTooLarge,
  Schema.TaggedStruct<
    "AnswerTooLarge",
    {
      readonly values: Schema.Number;
      readonly max: Schema.Number;
      readonly encoding: Schema.String;
    }
  >,
  Cause.YieldableError
> = Schema.TaggedError<AnswerTooLarge>()("AnswerTooLarge", {
  values: Schema.Number,
  max: Schema.Number,
  encoding: Schema.String,
});

/** An answer over the server's cap on values (inputs × dimensions). */
export class AnswerTooLarge extends AnswerTooLargeBase {
  /** The message, built from the fields. */
  override get message(): string {
    return `the answer would hold ${this.values} ${this.encoding} values; at most ${this.max} are sent in one response — ` +
      (this.encoding === "float"
        ? `ask for encoding_format "base64", fewer inputs or fewer dimensions`
        : `send fewer inputs or ask for fewer dimensions`);
  }
}

/** The schema-backed base class of {@link Overloaded}. */
export const OverloadedBase: Schema.Class<
  Overloaded,
  Schema.TaggedStruct<
    "Overloaded",
    { readonly model: Schema.String; readonly retryAfter: Schema.Number }
  >,
  Cause.YieldableError
> = Schema.TaggedError<Overloaded>()("Overloaded", {
  model: Schema.String,
  retryAfter: Schema.Number,
});

/** A pipeline's queue is full: try again after `retryAfter` seconds. */
export class Overloaded extends OverloadedBase {
  /** The message, built from the fields. */
  override get message(): string {
    return `pipeline "${this.model}" has too many requests waiting; retry after ${this.retryAfter} s`;
  }
}

/** The schema-backed base class of {@link BodyTimeout}. */
export const BodyTimeoutBase: Schema.Class<
  BodyTimeout,
  Schema.TaggedStruct<"BodyTimeout", { readonly ms: Schema.Number }>,
  Cause.YieldableError
> = Schema.TaggedError<BodyTimeout>()("BodyTimeout", {
  ms: Schema.Number,
});

/** A request body not received within the server's read time limit. */
export class BodyTimeout extends BodyTimeoutBase {
  /** The message, built from the fields. */
  override get message(): string {
    return `request body not received within ${this.ms} ms`;
  }
}

/** The schema-backed base class of {@link TooManyBodies}. */
export const TooManyBodiesBase: Schema.Class<
  TooManyBodies,
  Schema.TaggedStruct<
    "TooManyBodies",
    { readonly max: Schema.Number; readonly retryAfter: Schema.Number }
  >,
  Cause.YieldableError
> = Schema.TaggedError<TooManyBodies>()("TooManyBodies", {
  max: Schema.Number,
  retryAfter: Schema.Number,
});

/** Too many request bodies being received at once. */
export class TooManyBodies extends TooManyBodiesBase {
  /** The message, built from the fields. */
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

/** The schema-backed base class of {@link RuntimeUnsupported}. */
export const RuntimeUnsupportedBase: Schema.Class<
  RuntimeUnsupported,
  Schema.TaggedStruct<
    "RuntimeUnsupported",
    {
      readonly model: Schema.String;
      readonly runtime: Schema.String;
      readonly reason: Schema.String;
    }
  >,
  Cause.YieldableError
> = Schema.TaggedError<RuntimeUnsupported>()("RuntimeUnsupported", {
  model: Schema.String,
  runtime: Schema.String,
  reason: Schema.String,
});

/**
 * A pipeline this runtime cannot run (a transformer on workerd): the
 * server is up, the pipeline is not here. The reason carries no host path.
 */
export class RuntimeUnsupported extends RuntimeUnsupportedBase {
  /** The message, built from the fields. */
  override get message(): string {
    return `pipeline "${this.model}" does not run on ${this.runtime}: ${this.reason}`;
  }
}
