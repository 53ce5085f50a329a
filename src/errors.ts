import type { Cause } from "effect";
import { Schema } from "effect";

/**
 * The typed failures of sentemb. Each names the value at fault and what was
 * expected, so a CLI user or an HTTP client can act on the message alone.
 */

// Levenshtein distance, two rows of the table at a time.
const distance = (a: string, b: string): number => {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(
        prev[j] + 1,
        cur[j - 1] + 1,
        prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    prev = cur;
  }
  return prev[b.length];
};

/**
 * Up to three of `known` closest to `name` (by edit distance, or sharing
 * it as a part), for "did you mean" hints.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { closestNames } from "./errors.ts";
 * assert.deepEqual(closestNames("random-stem-idf", ["random-stems-idf", "word2vec-mean"]), ["random-stems-idf"]);
 * ```
 */
export const closestNames = (
  name: string,
  known: ReadonlyArray<string>,
): string[] =>
  known
    .map((k) => ({
      k,
      d: k.includes(name) || name.includes(k) ? 1 : distance(name, k),
    }))
    .filter(({ d }) => d <= Math.max(2, Math.floor(name.length / 3)))
    .sort((a, b) => a.d - b.d || a.k.localeCompare(b.k))
    .slice(0, 3)
    .map(({ k }) => k);

/** The schema-backed base class of {@link UnknownPipeline}. */
export const UnknownPipelineBase: Schema.Class<
  UnknownPipeline,
  Schema.TaggedStruct<
    "UnknownPipeline",
    {
      readonly name: Schema.String;
      readonly known: Schema.$Array<Schema.String>;
    }
  >,
  Cause.YieldableError
> = Schema.TaggedError<UnknownPipeline>()("UnknownPipeline", {
  name: Schema.String,
  known: Schema.Array(Schema.String),
});

/** A pipeline name that no registry entry carries. */
export class UnknownPipeline extends UnknownPipelineBase {
  /** The message, built from the fields. */
  override get message(): string {
    const close = closestNames(this.name, this.known);
    return `Unknown pipeline "${this.name}"; ` +
      (close.length > 0 ? `did you mean ${close.join(", ")}? ` : "") +
      `Give a name from \`deno task pipelines\`, or a path to your own .ts or .json pipeline file`;
  }
}

/** The schema-backed base class of {@link MissingModelFiles}. */
export const MissingModelFilesBase: Schema.Class<
  MissingModelFiles,
  Schema.TaggedStruct<
    "MissingModelFiles",
    {
      readonly model: Schema.String;
      readonly path: Schema.String;
      readonly hint: Schema.String;
    }
  >,
  Cause.YieldableError
> = Schema.TaggedError<MissingModelFiles>()("MissingModelFiles", {
  model: Schema.String,
  path: Schema.String,
  hint: Schema.String,
});

/** A model folder or file that a pipeline needs is not on disk. */
export class MissingModelFiles extends MissingModelFilesBase {
  /** The message, built from the fields. */
  override get message(): string {
    return `Model "${this.model}" is missing: ${this.path} does not exist. ${this.hint}`;
  }
}

/** The schema-backed base class of {@link EmptyInput}. */
export const EmptyInputBase: Schema.Class<
  EmptyInput,
  Schema.TaggedStruct<"EmptyInput", { readonly reason: Schema.String }>,
  Cause.YieldableError
> = Schema.TaggedError<EmptyInput>()("EmptyInput", {
  reason: Schema.String,
});

/** An embedding request with nothing to embed, or an empty sentence in it. */
export class EmptyInput extends EmptyInputBase {
  /** The message, built from the fields. */
  override get message(): string {
    return `Empty input: ${this.reason}`;
  }
}

/** The schema-backed base class of {@link BadConfig}. */
export const BadConfigBase: Schema.Class<
  BadConfig,
  Schema.TaggedStruct<
    "BadConfig",
    { readonly subject: Schema.String; readonly reason: Schema.String }
  >,
  Cause.YieldableError
> = Schema.TaggedError<BadConfig>()("BadConfig", {
  subject: Schema.String,
  reason: Schema.String,
});

/** A pipeline spec (or other configuration) that does not decode or is inconsistent. */
export class BadConfig extends BadConfigBase {
  /** The message, built from the fields. */
  override get message(): string {
    return `Invalid configuration for ${this.subject}: ${this.reason}`;
  }
}

/** The schema-backed base class of {@link DataError}. */
export const DataErrorBase: Schema.Class<
  DataError,
  Schema.TaggedStruct<
    "DataError",
    { readonly path: Schema.String; readonly reason: Schema.String }
  >,
  Cause.YieldableError
> = Schema.TaggedError<DataError>()("DataError", {
  path: Schema.String,
  reason: Schema.String,
});

/** A data file (evaluation set, corpus) that is missing or malformed. */
export class DataError extends DataErrorBase {
  /** The message, built from the fields. */
  override get message(): string {
    return `Data file ${this.path}: ${this.reason}`;
  }
}
