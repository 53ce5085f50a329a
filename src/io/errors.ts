import { Schema } from "effect";

/**
 * The typed failures of the streaming input/output layer. Each names the
 * input (`source`: a path or "stdin") and the 1-based line at fault, so a CLI
 * user can open the file at that line. They extend `Error`, so the
 * Promise-based readers throw them and an Effect program can `yield*` them.
 */

/** A line that is not valid UTF-8 (and `skipInvalid` was not asked for). */
export class InvalidUtf8
  extends Schema.TaggedError<InvalidUtf8>()("InvalidUtf8", {
    source: Schema.String,
    line: Schema.Number,
  }) {
  override get message(): string {
    return `${this.source}: line ${this.line} is not valid UTF-8 ` +
      `(re-encode the file as UTF-8, or skip such lines with skipInvalid)`;
  }
}

/** Input that looks binary (a NUL byte), refused rather than embedded as garbage. */
export class BinaryInput
  extends Schema.TaggedError<BinaryInput>()("BinaryInput", {
    source: Schema.String,
    line: Schema.Number,
    reason: Schema.String,
  }) {
  override get message(): string {
    return `${this.source} looks binary, not UTF-8 text: ${this.reason} ` +
      `(line ${this.line})`;
  }
}

/** A record longer than the character cap under the `fail` policy. */
export class RecordTooLong
  extends Schema.TaggedError<RecordTooLong>()("RecordTooLong", {
    source: Schema.String,
    line: Schema.Number,
    /** The record's length in UTF-16 code units, or a lower bound when cut off. */
    chars: Schema.Number,
    max: Schema.Number,
  }) {
  override get message(): string {
    return `${this.source}: the record on line ${this.line} has ` +
      `${this.chars} characters, more than the cap of ${this.max} ` +
      `(truncate or skip such records instead of failing)`;
  }
}

/** A JSONL or CSV record that does not parse or lacks the id or text field. */
export class MalformedRecord
  extends Schema.TaggedError<MalformedRecord>()("MalformedRecord", {
    source: Schema.String,
    line: Schema.Number,
    reason: Schema.String,
  }) {
  override get message(): string {
    return `${this.source}: line ${this.line}: ${this.reason}`;
  }
}

/** An id that an ids file (one id a line) cannot hold. */
export class UnwritableId
  extends Schema.TaggedError<UnwritableId>()("UnwritableId", {
    id: Schema.String,
    line: Schema.Number,
  }) {
  override get message(): string {
    return `The id ${
      JSON.stringify(this.id)
    } of the record on line ${this.line} contains a line break; ` +
      `an ids file holds one id a line`;
  }
}

/** The reader of our output went away (`| head`): stop quietly, status 0. */
export class OutputClosed
  extends Schema.TaggedError<OutputClosed>()("OutputClosed", {
    target: Schema.String,
  }) {
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
