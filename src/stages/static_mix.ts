import { Effect, Schema } from "effect";
import { aggregate, type Aggregator } from "../aggregate/aggregate.ts";
import type { ArtifactSection } from "../artifact/artifact_section.ts";
import { type Embeddings, fromData } from "../embeddings.ts";
import type { SentenceStepModule } from "./stage_module.ts";
import {
  resolveStaticVectors,
  STATIC_VECTORS,
  StaticVectorsStage,
} from "./static_vectors.ts";
import { refuseStep } from "./step_sample.ts";

/**
 * "BERT+Avg." (METHODS §5): the vector becomes (1 − weight)·ĉ + weight·ŝ,
 * the unit-length incoming vector ĉ mixed with the unit-length vector ŝ of
 * a static encoder, mean-pooled over the same tokens with the same weights
 * and filters.
 */
export const StaticMixStage: Schema.TaggedStruct<"staticMix", {
  readonly vectors: typeof StaticVectorsStage;
  readonly weight: Schema.Number;
}> = Schema.TaggedStruct("staticMix", {
  vectors: StaticVectorsStage,
  weight: Schema.Number.check(Schema.isBetween({ minimum: 0, maximum: 1 })),
});
/** A `staticMix` stage declaration, decoded. */
export type StaticMixStage = typeof StaticMixStage.Type;

/** Mixes in static `vectors` with `weight`. */
export const staticMix = (
  vectors: StaticVectorsStage,
  weight: number,
): StaticMixStage => ({ _tag: "staticMix", vectors, weight });

/**
 * (1 − w)·ĉ + w·ŝ row by row, with ĉ and ŝ the unit-length rows of the
 * contextual and static batches. Unit length first, so the weight means the
 * same whatever the two norms are.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fromData } from "../embeddings.ts";
 * import { mixUnit } from "./static_mix.ts";
 * const c = fromData(1, 2, Float32Array.of(3, 4)); // ĉ = (0.6, 0.8)
 * const s = fromData(1, 2, Float32Array.of(0, 2)); // ŝ = (0, 1)
 * assert.deepEqual(mixUnit(c, s, 0.5).data, Float32Array.of(0.3, 0.9));
 * ```
 */
export const mixUnit = (
  contextual: Embeddings,
  stat: Embeddings,
  weight: number,
): Embeddings => {
  if (contextual.rows !== stat.rows || contextual.dim !== stat.dim) {
    throw new RangeError(
      `cannot mix ${contextual.rows}x${contextual.dim} with ${stat.rows}x${stat.dim}`,
    );
  }
  const { rows, dim } = contextual;
  const out = new Float32Array(rows * dim);
  for (let i = 0; i < rows; i++) {
    let nc = 0, ns = 0;
    for (let j = 0; j < dim; j++) {
      nc += contextual.data[i * dim + j] ** 2;
      ns += stat.data[i * dim + j] ** 2;
    }
    const a = nc > 0 ? (1 - weight) / Math.sqrt(nc) : 0;
    const b = ns > 0 ? weight / Math.sqrt(ns) : 0;
    for (let j = 0; j < dim; j++) {
      out[i * dim + j] = a * contextual.data[i * dim + j] +
        b * stat.data[i * dim + j];
    }
  }
  return fromData(rows, dim, out);
};

/** The static side, pooled like the pipeline's tokens, and the mixing weight. */
export interface FittedStaticMix {
  readonly aggregator: Aggregator;
  readonly weight: number;
  readonly section: ArtifactSection | undefined;
}

export const staticMixModule: SentenceStepModule<
  StaticMixStage,
  FittedStaticMix
> = {
  tag: "staticMix",
  phase: "sentence",
  schema: StaticMixStage,
  sources: (d) => STATIC_VECTORS[d.vectors._tag].sources(d.vectors),
  needs: (d) => STATIC_VECTORS[d.vectors._tag].needs(d.vectors),
  notPortable: () => "it mixes in a static encoder",
  prefix: "breaks",
  fit: (d, input) =>
    Effect.gen(function* () {
      const { encoder, section } = yield* resolveStaticVectors(
        d.vectors,
        input,
      );
      if (encoder.dim !== input.dim) {
        return yield* refuseStep(
          "staticMix",
          `its ${encoder.dim}-d static vectors cannot mix with ${input.dim}-d vectors`,
        );
      }
      return {
        aggregator: { ...input.aggregatorFor(encoder), pooling: "mean" },
        weight: d.weight,
        section,
      };
    }),
  apply: (f, x, batch) =>
    mixUnit(x, aggregate(batch.tokens, f.aggregator), f.weight),
  outputDim: (_f, inputDim) => inputDim,
  artifact: {
    // The section is the "Avg." table; fit rebuilds the encoder from it.
    encode: (f) => f.section ?? { meta: {}, arrays: {} },
  },
};
