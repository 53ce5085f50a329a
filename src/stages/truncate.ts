import { Effect, Schema } from "effect";
import { type Embeddings, fromData } from "../embeddings.ts";
import type { SentenceStepModule } from "./stage_module.ts";
import { refuseStep } from "./step_sample.ts";

const PositiveInt: Schema.Int = Schema.Int.check(Schema.isGreaterThan(0));

/**
 * Keep the first `dims` components (Matryoshka-style). Meaningful after
 * steps that keep or sort components; follow it with `l2` for unit vectors.
 */
export const TruncateStage: Schema.TaggedStruct<
  "truncate",
  { readonly dims: Schema.Int }
> = Schema.TaggedStruct("truncate", {
  dims: PositiveInt,
});
/** A `truncate` stage declaration, decoded. */
export type TruncateStage = typeof TruncateStage.Type;

/** The first `dims` components. */
export const truncate = (dims: number): TruncateStage => ({
  _tag: "truncate",
  dims,
});

/**
 * The first `k` components of every row, copied.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fromData } from "../embeddings.ts";
 * import { firstComponents } from "./truncate.ts";
 * const x = firstComponents(fromData(2, 3, Float32Array.of(1, 2, 3, 4, 5, 6)), 2);
 * assert.deepEqual(Array.from(x.data), [1, 2, 4, 5]);
 * ```
 */
export const firstComponents = (x: Embeddings, k: number): Embeddings => {
  const out = new Float32Array(x.rows * k);
  for (let r = 0; r < x.rows; r++) {
    out.set(x.data.subarray(r * x.dim, r * x.dim + k), r * k);
  }
  return fromData(x.rows, k, out);
};

export const truncateModule: SentenceStepModule<
  TruncateStage,
  { readonly dim: number; readonly k: number }
> = {
  tag: "truncate",
  phase: "sentence",
  schema: TruncateStage,
  sources: () => [],
  needs: () => [],
  notPortable: () => undefined,
  prefix: "keeps",
  fit: (d, input) =>
    d.dims > input.dim
      ? Effect.fail(
        refuseStep(
          "truncate",
          `dims = ${d.dims} exceeds the ${input.dim} dimensions it receives`,
        ),
      )
      : Effect.succeed({ dim: input.dim, k: d.dims }),
  apply: (f, x) => firstComponents(x, f.k),
  outputDim: (f) => f.k,
};
