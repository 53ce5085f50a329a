import { Schema } from "effect";
import { lastLayer, LayerSelection } from "../aggregate/layer_selection.ts";
import type { TransformerVectorsModule } from "./token_modules.ts";

const PositiveInt: Schema.Int = Schema.Int.check(Schema.isGreaterThan(0));
const NonNegativeInt: Schema.Int = Schema.Int.check(
  Schema.isGreaterThanOrEqualTo(0),
);

/**
 * Token Prepending (METHODS §4) on a decoder: a `<PST>` token before the
 * prompt's opening quote, overwritten at the input of every layer in
 * [start, exit) by that input's last-token row — inside the ONNX graph. An
 * empty range is exactly the plain prompt.
 */
export const TokenPrepending: Schema.Struct<{
  readonly start: Schema.Int;
  readonly exit: Schema.Int;
  readonly placeholderId: Schema.optionalKey<Schema.Int>;
}> = Schema.Struct({
  start: NonNegativeInt,
  exit: NonNegativeInt,
  /** The placeholder's token id (default 0: any fixed vector will do). */
  placeholderId: Schema.optionalKey(NonNegativeInt),
});
/** Token Prepending's settings on a transformer stage. */
export type TokenPrepending = typeof TokenPrepending.Type;

/**
 * The precision a transformer runs in: `fp32` (the graph as exported), or
 * `int8` — the folder's own `model_quantized.onnx` / `model_int8.onnx` when
 * it has one, else the graph dynamically quantized here (int8 weights per
 * output column, uint8 activations; cached).
 */
export const Precision: Schema.Literals<readonly ["fp32", "int8"]> = Schema
  .Literals(["fp32", "int8"]);
/** A transformer's precision. */
export type Precision = typeof Precision.Type;

/**
 * A transformer run on the sentence, every hidden state exposed by graph
 * rewriting: `model` is a folder under the models folder with
 * `onnx/model.onnx` (or `file`), its tokenizer beside it; `layers` picks
 * the states pooled (early exit included).
 */
export const TransformerStage: Schema.TaggedStruct<"transformer", {
  readonly model: Schema.String;
  readonly file: Schema.optionalKey<Schema.String>;
  readonly layers: typeof LayerSelection;
  readonly maxTokens: Schema.optionalKey<Schema.Int>;
  readonly tokenPrepending: Schema.optionalKey<typeof TokenPrepending>;
  readonly precision: Schema.optionalKey<typeof Precision>;
}> = Schema.TaggedStruct("transformer", {
  model: Schema.String,
  file: Schema.optionalKey(Schema.String),
  layers: LayerSelection,
  /** Longest input in tokens; longer ones are truncated (default 512). */
  maxTokens: Schema.optionalKey(PositiveInt),
  tokenPrepending: Schema.optionalKey(TokenPrepending),
  /** `int8` runs a dynamically quantized graph (default fp32). */
  precision: Schema.optionalKey(Precision),
});
/** A `transformer` stage declaration, decoded. */
export type TransformerStage = typeof TransformerStage.Type;

/** Runs `model` and reads the hidden states `options.layers` (default: the last). */
export const transformer = (
  model: string,
  options: {
    layers?: LayerSelection;
    file?: string;
    maxTokens?: number;
    tokenPrepending?: TokenPrepending;
    precision?: Precision;
  } = {},
): TransformerStage => ({
  _tag: "transformer",
  model,
  layers: options.layers ?? lastLayer(),
  ...(options.file ? { file: options.file } : {}),
  ...(options.maxTokens ? { maxTokens: options.maxTokens } : {}),
  ...(options.tokenPrepending
    ? { tokenPrepending: options.tokenPrepending }
    : {}),
  // fp32 is the default and is never written: default hashes stay as they were.
  ...(options.precision === "int8" ? { precision: "int8" as const } : {}),
});

/**
 * The Token Prepending range a declaration really runs: an empty range
 * overwrites nothing and has no placeholder either.
 */
export const activeTokenPrepending = (
  d: TransformerStage,
): TokenPrepending | undefined =>
  d.tokenPrepending && d.tokenPrepending.start < d.tokenPrepending.exit
    ? d.tokenPrepending
    : undefined;

export const transformerModule: TransformerVectorsModule<TransformerStage> = {
  tag: "transformer",
  phase: "vectors",
  kind: "transformer",
  schema: TransformerStage,
  sources: () => [],
  needs: (d) => [
    `model weights ${d.model}/${d.file ?? "onnx/model.onnx"}${
      d.precision === "int8" ? " (int8)" : ""
    }`,
  ],
  notPortable: () => undefined,
};
