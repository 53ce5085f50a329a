import { Schema } from "effect";
import { StageDeclaration } from "../stages/registry.ts";

export { FitSource } from "../stages/fit_source.ts";
export { StageDeclaration };

const PositiveInt: Schema.Int = Schema.Int.check(Schema.isGreaterThan(0));
const Name: Schema.String = Schema.String.check(
  Schema.isPattern(/^[a-z0-9][a-z0-9.-]*$/),
);

/**
 * A pipeline as data: an ordered list of stage declarations, decoded once,
 * hashed for its version, run anywhere. The token phase keeps its inherent
 * order (prompt → tokenizer → vectors → weighting/filter → pool); the
 * sentence steps after the pool run in the order listed.
 */
export const PipelineSpec: Schema.Struct<{
  readonly name: Schema.String;
  readonly description: Schema.String;
  readonly stages: Schema.$Array<typeof StageDeclaration>;
  readonly artifact: Schema.optionalKey<Schema.String>;
  readonly corpusSentences: Schema.optionalKey<Schema.Int>;
  readonly rawVectors: Schema.optionalKey<Schema.Boolean>;
}> = Schema.Struct({
  name: Name,
  description: Schema.String,
  stages: Schema.Array(StageDeclaration).check(Schema.isMinLength(3)),
  /**
   * Content hash of the artifact holding every corpus-fitted statistic
   * (`<hash>.semb`, made by `deno task fit`); with it the pipeline runs
   * without the corpus.
   */
  artifact: Schema.optionalKey(
    Schema.String.check(Schema.isPattern(/^[0-9a-f]{16}$/)),
  ),
  /** How many corpus sentences corpus-fitted statistics use. */
  corpusSentences: Schema.optionalKey(PositiveInt),
  /**
   * The HTTP server answers float vectors unit length (L2-normalising those
   * of a pipeline that does not end in `l2`); `true` opts out, serving them
   * as the pipeline computes them.
   */
  rawVectors: Schema.optionalKey(Schema.Boolean),
});
/** A pipeline: a name, a description and an ordered list of stage declarations. */
export type PipelineSpec = typeof PipelineSpec.Type;

/** Enough for the whole staged corpus (about 83,000 sentences). */
export const DEFAULT_CORPUS_SENTENCES = 200_000;
