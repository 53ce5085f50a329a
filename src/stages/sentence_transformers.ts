import { Effect, Schema } from "effect";
import { type Embeddings, fromData, row } from "../embeddings.ts";
import { BadConfig } from "../errors.ts";
import { normalizeRows } from "./l2.ts";
import type { SentenceStepModule } from "./stage_module.ts";
import type { StModule } from "./st_module_files.ts";

/**
 * The transformer folder's sentence-transformers modules (`modules.json`)
 * after pooling: its Pooling flags must be the pipeline's pool (a pipeline
 * that says otherwise is refused, not silently changed), then Dense
 * projections and Normalize run in the declared order.
 */
export const SentenceTransformersStage: Schema.TaggedStruct<
  "sentenceTransformers",
  // deno-lint-ignore ban-types -- the fields of a struct without fields
  {}
> = Schema.TaggedStruct(
  "sentenceTransformers",
  {},
);
/** A `sentenceTransformers` stage declaration, decoded. */
export type SentenceTransformersStage = typeof SentenceTransformersStage.Type;

/** The model folder's own Dense/Normalize modules. */
export const sentenceTransformersModules = (): SentenceTransformersStage => ({
  _tag: "sentenceTransformers",
});

type Dense = Extract<StModule, { kind: "dense" }>;

const dense = (m: Dense, x: Embeddings): Embeddings => {
  const inn = m.inFeatures, out = m.outFeatures;
  if (x.dim !== inn) {
    throw new RangeError(`Dense expects ${inn} inputs, got ${x.dim}`);
  }
  const y = new Float32Array(x.rows * out);
  for (let i = 0; i < x.rows; i++) {
    const v = row(x, i);
    for (let o = 0; o < out; o++) {
      let s = m.bias ? m.bias[o] : 0;
      const wo = o * inn;
      for (let k = 0; k < inn; k++) s += m.weight[wo + k] * v[k];
      y[i * out + o] = m.activation(s);
    }
  }
  return fromData(x.rows, out, y);
};

/** The modules that transform the pooled vector, and the width they leave. */
export interface FittedStModules {
  readonly steps: ReadonlyArray<Exclude<StModule, { kind: "pooling" }>>;
  readonly outDim: number;
}

export const sentenceTransformersModule: SentenceStepModule<
  SentenceTransformersStage,
  FittedStModules
> = {
  tag: "sentenceTransformers",
  phase: "sentence",
  schema: SentenceTransformersStage,
  sources: () => [],
  needs: () => ["the model folder's modules.json"],
  notPortable: () => "its sentence-transformers modules run on the server only",
  prefix: "breaks",
  fit: (_d, input) =>
    Effect.gen(function* () {
      const model = input.tokens.transformerModel;
      if (model === undefined) {
        return yield* new BadConfig({
          subject: "sentenceTransformers",
          reason: "sentence-transformers modules need a transformer encoder",
        });
      }
      const modules = yield* input.resources.stModules(model);
      const steps: Array<Exclude<StModule, { kind: "pooling" }>> = [];
      let outDim = input.dim;
      for (const m of modules) {
        if (m.kind === "pooling") {
          const plain = !input.tokens.weightedOrFiltered;
          if (m.mode !== input.tokens.pooling || !plain) {
            return yield* new BadConfig({
              subject: "sentenceTransformers",
              reason: `${model} pools by "${m.mode}" over every token; ` +
                `the pipeline says "${input.tokens.pooling}"` +
                (plain ? "" : " with filters or weights"),
            });
          }
        } else {
          if (m.kind === "dense") outDim = m.outFeatures;
          steps.push(m);
        }
      }
      return { steps, outDim };
    }),
  apply: (f, x) =>
    f.steps.reduce(
      (acc, m) => m.kind === "dense" ? dense(m, acc) : normalizeRows(acc),
      x,
    ),
  outputDim: (f) => f.outDim,
};
