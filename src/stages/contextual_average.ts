import { Effect, Schema } from "effect";
import { LayerSelection } from "../aggregate/layer_selection.ts";
import { sectionArray, sectionNumber } from "../artifact/artifact_section.ts";
import { BadConfig } from "../errors.ts";
import {
  fitContextualAverage,
  tableEncoder,
  type TokenTable,
} from "../static/contextual_average.ts";
import { truncateTokens } from "../tokenize/truncate.ts";
import type { StaticVectorsModule } from "./token_modules.ts";

/**
 * "Avg." vectors (BERT2Static, METHODS §5): each token's contextual vectors
 * at the chosen layers, averaged over its occurrences in the corpus, as a
 * static table (shipped in the pipeline's artifact). Tokens never seen
 * there have no vector.
 */
export const ContextualAverageStage: Schema.TaggedStruct<"contextualAverage", {
  readonly model: Schema.String;
  readonly file: Schema.optionalKey<Schema.String>;
  readonly layers: typeof LayerSelection;
}> = Schema.TaggedStruct(
  "contextualAverage",
  {
    model: Schema.String,
    file: Schema.optionalKey(Schema.String),
    layers: LayerSelection,
  },
);
/** A `contextualAverage` stage declaration, decoded. */
export type ContextualAverageStage = typeof ContextualAverageStage.Type;

/** "Avg." static vectors of `model` at `layers`, averaged over the corpus. */
export const contextualAverage = (
  model: string,
  layers: LayerSelection,
  file?: string,
): ContextualAverageStage => ({
  _tag: "contextualAverage",
  model,
  ...(file ? { file } : {}),
  layers,
});

const encoderOf = (d: ContextualAverageStage, table: TokenTable) =>
  tableEncoder(`Avg. ${d.model}`, table);

export const contextualAverageModule: StaticVectorsModule<
  ContextualAverageStage
> = {
  tag: "contextualAverage",
  phase: "vectors",
  kind: "static",
  needsModelTokenizer: true,
  schema: ContextualAverageStage,
  sources: () => ["corpus"],
  needs: (d) => [
    `model weights ${d.model}/${d.file ?? "onnx/model.onnx"}`,
  ],
  notPortable: () => "its table is read on the server",
  fitTable: (d, { corpus, tokenizer, shipped, resources }) =>
    Effect.gen(function* () {
      if (shipped) {
        const table = yield* Effect.try({
          try: (): TokenTable => {
            const dim = sectionNumber(shipped, "dim");
            const ids = sectionArray(shipped, "ids", Uint32Array);
            const vectors = sectionArray(
              shipped,
              "vectors",
              Float32Array,
              ids.length * dim,
            );
            return { ids, dim, vectors };
          },
          catch: (e) =>
            new BadConfig({
              subject: `contextualAverage ${d.model} artifact section`,
              reason: (e as Error).message,
            }),
        });
        return { encoder: encoderOf(d, table), section: shipped };
      }
      const { stage } = yield* resources.transformer(
        {
          model: d.model,
          layers: d.layers,
          ...(d.file ? { file: d.file } : {}),
        },
        tokenizer,
        {},
      );
      // Raw sentences (no prompt), cut to what the model takes.
      const table = yield* fitContextualAverage(
        stage,
        corpus.map((t) =>
          truncateTokens(tokenizer.tokenize(t), stage.maxTokens)
        ),
      );
      return {
        encoder: encoderOf(d, table),
        section: {
          meta: { dim: table.dim },
          arrays: { ids: table.ids, vectors: table.vectors },
        },
      };
    }),
};
