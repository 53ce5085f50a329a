import { Effect, Schema } from "effect";
import { BadConfig } from "../errors.ts";
import type { FittedStep } from "./fitted.ts";

/**
 * The JSON form of a fitted chain: the small artifact a pipeline ships
 * (METHODS §2). Float32 values survive the round trip exactly because every
 * float32 is a float64 that `JSON.stringify` prints in shortest form.
 */
const Dim = Schema.Int.check(Schema.isGreaterThan(0));
const Vec = Schema.Array(Schema.Number);

export const FittedStepJson = Schema.Union([
  Schema.TaggedStruct("center", { dim: Dim, mean: Vec }),
  Schema.TaggedStruct("zscore", { dim: Dim, mean: Vec, scale: Vec }),
  Schema.TaggedStruct("abtt", { dim: Dim, k: Dim, mean: Vec, components: Vec }),
  Schema.TaggedStruct("whiten", { dim: Dim, k: Dim, mean: Vec, matrix: Vec }),
  Schema.TaggedStruct("quantile", { dim: Dim, m: Dim, quantiles: Vec }),
  Schema.TaggedStruct("l2", { dim: Dim }),
]);
export type FittedStepJson = typeof FittedStepJson.Type;

export const FittedChainJson = Schema.Array(FittedStepJson);

/** A fitted chain as plain JSON values. */
export const chainToJson = (
  steps: ReadonlyArray<FittedStep>,
): FittedStepJson[] =>
  steps.map((s) => {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(s)) {
      out[key] = value instanceof Float32Array ? Array.from(value) : value;
    }
    return out as FittedStepJson;
  });

/** Expected array lengths of a step, so a truncated artifact is refused, not misapplied. */
const expectedLengths = (s: FittedStepJson): Record<string, number> => {
  switch (s._tag) {
    case "center":
      return { mean: s.dim };
    case "zscore":
      return { mean: s.dim, scale: s.dim };
    case "abtt":
      return { mean: s.dim, components: s.k * s.dim };
    case "whiten":
      return { mean: s.dim, matrix: s.dim * s.k };
    case "quantile":
      return { quantiles: s.dim * s.m };
    case "l2":
      return {};
  }
};

/** Decodes and checks a fitted chain read from JSON. */
export const chainFromJson = Effect.fn("chainFromJson")(function* (
  json: unknown,
) {
  const steps = yield* Schema.decodeUnknownEffect(FittedChainJson)(json).pipe(
    Effect.mapError((e) =>
      new BadConfig({ subject: "fitted post-processing", reason: e.message })
    ),
  );
  const out: FittedStep[] = [];
  let width: number | undefined;
  for (const [i, s] of steps.entries()) {
    if (width !== undefined && s.dim !== width) {
      return yield* new BadConfig({
        subject: "fitted post-processing",
        reason:
          `step ${i} ("${s._tag}") expects ${s.dim}-d input but the step before outputs ${width}-d`,
      });
    }
    const fields: Record<string, unknown> = { ...s };
    for (const [key, n] of Object.entries(expectedLengths(s))) {
      const arr = (s as unknown as Record<string, ReadonlyArray<number>>)[key];
      if (arr.length !== n) {
        return yield* new BadConfig({
          subject: "fitted post-processing",
          reason:
            `step ${i} ("${s._tag}"): ${key} has ${arr.length} values, expected ${n}`,
        });
      }
      fields[key] = Float32Array.from(arr);
    }
    out.push(fields as FittedStep);
    width = s._tag === "whiten" ? s.k : s.dim;
  }
  return out;
});
