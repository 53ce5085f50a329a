/**
 * What every input reader yields and counts, and the options they share.
 */

/** One sentence to embed, with where it came from. */
export interface InputRecord {
  /** The record's id: its id field or column, else its 1-based line number. */
  readonly id: string;
  readonly text: string;
  /** The 1-based line the record starts on in the input. */
  readonly line: number;
}

/** What to do with a record longer than `maxChars`. */
export type TooLongPolicy = "truncate" | "skip" | "fail";

/** Options every reader takes. */
export interface ReadOptions {
  /** Names the input in errors: a path or "stdin". Default "input". */
  readonly source?: string;
  /** Skip (and count) lines that are not valid UTF-8 instead of failing. */
  readonly skipInvalid?: boolean;
  /** Character cap per record, in UTF-16 code units like the server's. Default 65,536. */
  readonly maxChars?: number;
  /** Policy for records over `maxChars`. Default "fail". */
  readonly onTooLong?: TooLongPolicy;
}

/** The server's cap on one input, in UTF-16 code units. */
export const DEFAULT_MAX_CHARS = 65_536;

/** Counts a reader keeps up to date while it is iterated. */
export interface ReadStats {
  /** Records yielded. */
  records: number;
  /** Blank lines (or blank text fields) skipped. */
  blank: number;
  /** Lines skipped as invalid UTF-8 (`skipInvalid`). */
  invalidUtf8: number;
  /** Records skipped as too long (`onTooLong: "skip"`). */
  tooLong: number;
  /** Records cut to `maxChars` (`onTooLong: "truncate"`). */
  truncated: number;
}

/** A reader: its records, read lazily, and its live counts. */
export interface RecordReader {
  readonly records: AsyncIterable<InputRecord>;
  readonly stats: ReadStats;
}

/** Fresh zero counts. */
export const emptyStats = (): ReadStats => ({
  records: 0,
  blank: 0,
  invalidUtf8: 0,
  tooLong: 0,
  truncated: 0,
});
