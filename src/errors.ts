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

/** A pipeline name that no registry entry carries. */
export class UnknownPipeline
  extends Schema.TaggedError<UnknownPipeline>()("UnknownPipeline", {
    name: Schema.String,
    known: Schema.Array(Schema.String),
  }) {
  override get message(): string {
    const close = closestNames(this.name, this.known);
    return `Unknown pipeline "${this.name}"; ` +
      (close.length > 0 ? `did you mean ${close.join(", ")}? ` : "") +
      `Give a name from \`deno task pipelines\`, or a path to your own .ts or .json pipeline file`;
  }
}

/** A model folder or file that a pipeline needs is not on disk. */
export class MissingModelFiles
  extends Schema.TaggedError<MissingModelFiles>()("MissingModelFiles", {
    model: Schema.String,
    path: Schema.String,
    hint: Schema.String,
  }) {
  override get message(): string {
    return `Model "${this.model}" is missing: ${this.path} does not exist. ${this.hint}`;
  }
}

/** An embedding request with nothing to embed, or an empty sentence in it. */
export class EmptyInput extends Schema.TaggedError<EmptyInput>()("EmptyInput", {
  reason: Schema.String,
}) {
  override get message(): string {
    return `Empty input: ${this.reason}`;
  }
}

/** A pipeline spec (or other configuration) that does not decode or is inconsistent. */
export class BadConfig extends Schema.TaggedError<BadConfig>()("BadConfig", {
  subject: Schema.String,
  reason: Schema.String,
}) {
  override get message(): string {
    return `Invalid configuration for ${this.subject}: ${this.reason}`;
  }
}

/** A data file (evaluation set, corpus) that is missing or malformed. */
export class DataError extends Schema.TaggedError<DataError>()("DataError", {
  path: Schema.String,
  reason: Schema.String,
}) {
  override get message(): string {
    return `Data file ${this.path}: ${this.reason}`;
  }
}
