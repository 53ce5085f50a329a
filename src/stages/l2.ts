import { Effect, Schema } from "effect";
import { type Embeddings, zeros } from "../embeddings.ts";
import type { SentenceStepModule } from "./stage_module.ts";

/** Scale each vector to unit length (zero vectors stay zero). */
export const L2Stage: Schema.TaggedStruct<
  "l2",
  // deno-lint-ignore ban-types -- the fields of a struct without fields
  {}
> = Schema.TaggedStruct(
  "l2",
  {},
);
/** A `l2` stage declaration, decoded. */
export type L2Stage = typeof L2Stage.Type;

/** Unit-length vectors. */
export const l2 = (): L2Stage => ({ _tag: "l2" });

/**
 * Every row divided by its Euclidean norm, floored at 1e-12 as
 * `torch.nn.functional.normalize` does; zero rows stay zero. The one L2
 * normalisation of the library (sentence-transformers' Normalize module,
 * the `l2` step, `dimensions` renormalising).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fromData } from "../embeddings.ts";
 * import { normalizeRows } from "./l2.ts";
 * const x = normalizeRows(fromData(2, 2, Float32Array.of(3, 4, 0, 0)));
 * assert.deepEqual(Array.from(x.data), [0.6, 0.8, 0, 0].map(Math.fround));
 * ```
 */
export const normalizeRows = (x: Embeddings): Embeddings => {
  const d = x.dim, out = zeros(x.rows, d), src = x.data, dst = out.data;
  for (let r = 0; r < x.rows; r++) {
    const o = r * d;
    let n = 0;
    for (let j = 0; j < d; j++) n += src[o + j] * src[o + j];
    const s = n > 0 ? 1 / Math.max(Math.sqrt(n), 1e-12) : 0;
    for (let j = 0; j < d; j++) dst[o + j] = src[o + j] * s;
  }
  return out;
};

export const l2Module: SentenceStepModule<L2Stage, { readonly dim: number }> = {
  tag: "l2",
  phase: "sentence",
  schema: L2Stage,
  sources: () => [],
  needs: () => [],
  notPortable: () => undefined,
  prefix: "keeps",
  fit: (_d, input) => Effect.succeed({ dim: input.dim }),
  apply: (_f, x) => normalizeRows(x),
  outputDim: (f) => f.dim,
};
