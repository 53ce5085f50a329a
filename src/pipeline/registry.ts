import { Effect, Schema } from "effect";
import { BadConfig, UnknownPipeline } from "../errors.ts";
import { PipelineSpec } from "./spec.ts";

/**
 * Decodes an untrusted pipeline declaration (a file, a request body) into a
 * spec, or a BadConfig naming what is wrong with it.
 */
export const decodePipelineSpec = (
  input: unknown,
): Effect.Effect<PipelineSpec, BadConfig> =>
  Schema.decodeUnknownEffect(PipelineSpec)(input).pipe(
    Effect.mapError((e) =>
      new BadConfig({
        subject: typeof input === "object" && input !== null &&
            "name" in input
          ? `pipeline "${String((input as { name: unknown }).name)}"`
          : "pipeline spec",
        reason: e.message,
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
