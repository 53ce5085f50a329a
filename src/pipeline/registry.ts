import { Effect, Schema } from "effect";
import { BadConfig, closestNames, UnknownPipeline } from "../errors.ts";
import { STAGES } from "../stages/registry.ts";
import { PipelineSpec } from "./spec.ts";

const subjectOf = (input: unknown) =>
  typeof input === "object" && input !== null && "name" in input
    ? `pipeline "${String((input as { name: unknown }).name)}"`
    : "pipeline spec";

// A stage that fails is reported against its own schema, not the union of
// every stage: "stage 2 (randomVectors): dim must be > 0" rather than a
// list of 23 alternatives.
const stageProblem = (input: unknown): string | undefined => {
  const stages = (input as { stages?: unknown }).stages;
  if (!Array.isArray(stages)) return undefined;
  for (const [i, s] of stages.entries()) {
    const tag = (s as { _tag?: unknown })?._tag;
    const module = typeof tag === "string"
      ? (STAGES as Record<string, { schema: Schema.Codec<unknown, unknown> }>)[
        tag
      ]
      : undefined;
    if (!module) {
      const close = typeof tag === "string"
        ? closestNames(tag, Object.keys(STAGES))
        : [];
      return `stage ${i + 1} has ${
        typeof tag === "string" ? `an unknown _tag "${tag}"` : "no _tag"
      }` + (close.length > 0 ? `; did you mean ${close.join(", ")}?` : "") +
        `; stages are ${Object.keys(STAGES).join(", ")}`;
    }
    const r = Effect.runSync(
      Effect.result(Schema.decodeUnknownEffect(module.schema)(s)),
    );
    if (r._tag === "Failure") {
      return `stage ${i + 1} ("${tag}"): ${r.failure.message}`;
    }
  }
  return undefined;
};

/**
 * Decodes an untrusted pipeline declaration (a file, a request body) into a
 * spec, or a BadConfig naming what is wrong with it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Effect } from "effect";
 * import { decodePipelineSpec, meanPool, pipeline, randomVectors, wordTokens } from "../../mod.ts";
 *
 * // A declaration read from JSON, with a negative dimension in stage 2.
 * const json = JSON.parse(
 *   JSON.stringify(pipeline("mine", wordTokens(), randomVectors(64, 1), meanPool())),
 * );
 * json.stages[1].dim = -4;
 * const error = await Effect.runPromise(Effect.flip(decodePipelineSpec(json)));
 * assert.equal(error._tag, "BadConfig");
 * assert.match(error.message, /stage 2 \("randomVectors"\)/);
 * ```
 */
export const decodePipelineSpec = (
  input: unknown,
): Effect.Effect<PipelineSpec, BadConfig> =>
  Schema.decodeUnknownEffect(PipelineSpec)(input).pipe(
    Effect.mapError((e) =>
      new BadConfig({
        subject: subjectOf(input),
        reason: (typeof input === "object" && input !== null
          ? stageProblem(input)
          : undefined) ?? e.message,
      })
    ),
  );

/**
 * Finds a pipeline by name among declarations and validates it: a
 * declaration that TypeScript accepted can still break a schema check
 * (a negative dimension, a bad name).
 */
export const findPipeline = (
  registry: ReadonlyArray<unknown>,
  name: string,
): Effect.Effect<PipelineSpec, UnknownPipeline | BadConfig> => {
  const spec = registry.find((p) => (p as { name?: unknown }).name === name);
  return spec ? decodePipelineSpec(spec) : Effect.fail(
    new UnknownPipeline({
      name,
      known: registry.map((p) => String((p as { name?: unknown }).name)),
    }),
  );
};
