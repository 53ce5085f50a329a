import { Data } from "effect";

/** An evaluation or corpus file that is missing or not in the expected format. */
export class DataError extends Data.TaggedError("DataError")<{
  readonly path: string;
  readonly reason: string;
}> {
  override get message(): string {
    return `Data file ${this.path}: ${this.reason}`;
  }
}
