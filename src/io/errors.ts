import type { Cause } from "effect";
import { Schema } from "effect";

/**
 * The typed failures of the streaming input/output layer. Each names the
 * input (`source`: a path or "stdin") and the 1-based line at fault, so a CLI
 * user can open the file at that line. They extend `Error`, so the
 * Promise-based readers throw them and an Effect program can `yield*` them.
 */

/** The schema-backed base class of {@link InvalidUtf8}. */
export const InvalidUtf8Base: Schema.Class<
  InvalidUtf8,
  Schema.TaggedStruct<
    "InvalidUtf8",
    { readonly source: Schema.String; readonly line: Schema.Number }
  >,
  Cause.YieldableError
> = Schema.TaggedError<InvalidUtf8>()("InvalidUtf8", {
  source: Schema.String,
  line: Schema.Number,
});

/** A line that is not valid UTF-8 (and `skipInvalid` was not asked for). */
export class InvalidUtf8 extends InvalidUtf8Base {
  /** The message, built from the fields. */
  override get message(): string {
    return `${this.source}: line ${this.line} is not valid UTF-8 ` +
      `(re-encode the file as UTF-8, or skip such lines with skipInvalid)`;
  }
}

/** The schema-backed base class of {@link BinaryInput}. */
export const BinaryInputBase: Schema.Class<
  BinaryInput,
  Schema.TaggedStruct<
    "BinaryInput",
    {
      readonly source: Schema.String;
      readonly line: Schema.Number;
      readonly reason: Schema.String;
    }
  >,
  Cause.YieldableError
> = Schema.TaggedError<BinaryInput>()("BinaryInput", {
  source: Schema.String,
  line: Schema.Number,
  reason: Schema.String,
});

/** Input that looks binary (a NUL byte), refused rather than embedded as garbage. */
export class BinaryInput extends BinaryInputBase {
  /** The message, built from the fields. */
  override get message(): string {
    return `${this.source} looks binary, not UTF-8 text: ${this.reason} ` +
      `(line ${this.line})`;
  }
}

/** The schema-backed base class of {@link RecordTooLong}. */
export const RecordTooLongBase: Schema.Class<
  RecordTooLong,
  Schema.TaggedStruct<
    "RecordTooLong",
    {
      readonly source: Schema.String;
      readonly line: Schema.Number;
      readonly chars: Schema.Number;
      readonly max: Schema.Number;
    }
  >,
  Cause.YieldableError
> = Schema.TaggedError<RecordTooLong>()("RecordTooLong", {
  source: Schema.String,
  line: Schema.Number,
  /** The record's length in UTF-16 code units, or a lower bound when cut off. */
  chars: Schema.Number,
  max: Schema.Number,
});

/** A record longer than the character cap under the `fail` policy. */
export class RecordTooLong extends RecordTooLongBase {
  /** The message, built from the fields. */
  override get message(): string {
    return `${this.source}: the record on line ${this.line} has ` +
      `${this.chars} characters, more than the cap of ${this.max} ` +
      `(truncate or skip such records instead of failing)`;
  }
}

/** The schema-backed base class of {@link MalformedRecord}. */
export const MalformedRecordBase: Schema.Class<
  MalformedRecord,
  Schema.TaggedStruct<
    "MalformedRecord",
    {
      readonly source: Schema.String;
      readonly line: Schema.Number;
      readonly reason: Schema.String;
    }
  >,
  Cause.YieldableError
> = Schema.TaggedError<MalformedRecord>()("MalformedRecord", {
  source: Schema.String,
  line: Schema.Number,
  reason: Schema.String,
});

/** A JSONL or CSV record that does not parse or lacks the id or text field. */
export class MalformedRecord extends MalformedRecordBase {
  /** The message, built from the fields. */
  override get message(): string {
    return `${this.source}: line ${this.line}: ${this.reason}`;
  }
}

/** The schema-backed base class of {@link UnwritableId}. */
export const UnwritableIdBase: Schema.Class<
  UnwritableId,
  Schema.TaggedStruct<
    "UnwritableId",
    { readonly id: Schema.String; readonly line: Schema.Number }
  >,
  Cause.YieldableError
> = Schema.TaggedError<UnwritableId>()("UnwritableId", {
  id: Schema.String,
  line: Schema.Number,
});

/** An id that an ids file (one id a line) cannot hold. */
export class UnwritableId extends UnwritableIdBase {
  /** The message, built from the fields. */
  override get message(): string {
    return `The id ${
      JSON.stringify(this.id)
    } of the record on line ${this.line} contains a line break; ` +
      `an ids file holds one id a line`;
  }
}

/** The schema-backed base class of {@link OutputClosed}. */
export const OutputClosedBase: Schema.Class<
  OutputClosed,
  Schema.TaggedStruct<"OutputClosed", { readonly target: Schema.String }>,
  Cause.YieldableError
> = Schema.TaggedError<OutputClosed>()("OutputClosed", {
  target: Schema.String,
});

/** The reader of our output went away (`| head`): stop quietly, status 0. */
export class OutputClosed extends OutputClosedBase {
  /** The message, built from the fields. */
  override get message(): string {
    return `${this.target} was closed by its reader`;
  }
}

/** Every failure of the input/output layer. */
export type IoError =
  | InvalidUtf8
  | BinaryInput
  | RecordTooLong
  | MalformedRecord
  | UnwritableId
  | OutputClosed;
