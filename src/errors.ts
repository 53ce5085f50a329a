import { Data } from "effect";

/**
 * The typed failures of sentemb. Each names the value at fault and what was
 * expected, so a CLI user or an HTTP client can act on the message alone.
 */

/** A pipeline name that no registry entry carries. */
export class UnknownPipeline extends Data.TaggedError("UnknownPipeline")<{
  readonly name: string;
  readonly known: ReadonlyArray<string>;
}> {
  override get message(): string {
    return `Unknown pipeline "${this.name}"; known pipelines: ${
      this.known.join(", ")
    }`;
  }
}

/** A model folder or file that a pipeline needs is not on disk. */
export class MissingModelFiles extends Data.TaggedError("MissingModelFiles")<{
  readonly model: string;
  readonly path: string;
  readonly hint: string;
}> {
  override get message(): string {
    return `Model "${this.model}" is missing: ${this.path} does not exist. ${this.hint}`;
  }
}

/** An embedding request with nothing to embed, or an empty sentence in it. */
export class EmptyInput extends Data.TaggedError("EmptyInput")<{
  readonly reason: string;
}> {
  override get message(): string {
    return `Empty input: ${this.reason}`;
  }
}

/** A pipeline spec (or other configuration) that does not decode or is inconsistent. */
export class BadConfig extends Data.TaggedError("BadConfig")<{
  readonly subject: string;
  readonly reason: string;
}> {
  override get message(): string {
    return `Invalid configuration for ${this.subject}: ${this.reason}`;
  }
}
