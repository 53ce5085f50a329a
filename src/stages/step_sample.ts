import { Effect } from "effect";
import type { Embeddings } from "../embeddings.ts";
import { BadConfig } from "../errors.ts";
import type { StepFitInput } from "./stage_module.ts";

/** A sentence step's refusal to fit, naming the step. */
export const refuseStep = (tag: string, reason: string): BadConfig =>
  new BadConfig({ subject: `sentence step "${tag}"`, reason });

/**
 * The fitting sample of a step that fits statistics, with at least
 * `minRows` vectors; a step that cannot be fitted on so few is refused.
 */
export const fittingSample = (
  tag: string,
  input: StepFitInput,
  minRows: number,
): Effect.Effect<Embeddings, BadConfig> => {
  const x = input.sample;
  if (x === undefined) {
    return Effect.fail(refuseStep(tag, "has no fitting sample"));
  }
  return x.rows < minRows
    ? Effect.fail(
      refuseStep(
        tag,
        `needs at least ${minRows} fitting vectors, got ${x.rows}`,
      ),
    )
    : Effect.succeed(x);
};

/** Checks that a fitted step receives vectors of the width it was fitted on. */
export const checkWidth = (tag: string, fitted: number, x: Embeddings) => {
  if (x.dim !== fitted) {
    throw new RangeError(
      `sentence step "${tag}" was fitted on ${fitted}-d vectors, got ${x.dim}-d`,
    );
  }
};
