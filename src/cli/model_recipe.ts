import { Effect } from "effect";
import { BadConfig } from "../errors.ts";
import { ONNX_VARIANTS, pathRefFolder, refKind } from "../models/resolve.ts";
import type { SourcedPipeline } from "../pipeline/pipeline_source.ts";
import { recipeFor } from "../recipes/inspect.ts";
import { pipelineFlag } from "./pipeline_flag.ts";

/** The flags that apply a recipe to a model, shared by embed and eval. */
export const MODEL_FLAGS = {
  model: { type: "string" },
  recipe: { type: "string" },
  dtype: { type: "string" },
  precision: { type: "string" },
  "prompt-name": { type: "string" },
  layer: { type: "string" },
  "output-layer": { type: "string" },
  tp: { type: "string" },
  demonstration: { type: "string" },
} as const;

/** Their lines in a command's usage text. */
export const MODEL_USAGE =
  `--model     a model: a folder path (./dir), a folder under SENTEMB_MODELS, or a
            hub id org/name[@revision] (downloaded into the Hugging Face cache)
--recipe    a recipe from \`deno task recipes\` (default mean) applied to --model
--dtype     the ONNX variant: ${Object.keys(ONNX_VARIANTS).join(", ")}
            (onnx/model.onnx, onnx/model_quantized.onnx, ...), or a path in the folder
--precision fp32 (default) or int8: the folder's own model_quantized.onnx /
            model_int8.onnx, else the graph dynamically quantized here (cached)
--prompt-name  with --recipe st: a prompt of config_sentence_transformers.json
--layer K         with --recipe layer-k: the state (or --recipe layer-K)
--output-layer=K  decoder prompt recipes: the state read (default -1, the last;
                  negative values need the = form)
--tp START,EXIT   *-tp recipes: Token Prepending over layers [START, EXIT)
--demonstration "SENTENCE|WORD"  prompteol-icl: the in-context example`;

/** What the model flags carry. */
export interface ModelFlags {
  readonly model?: string;
  readonly recipe?: string;
  readonly dtype?: string;
  readonly precision?: string;
  readonly "prompt-name"?: string;
  readonly layer?: string;
  readonly "output-layer"?: string;
  readonly tp?: string;
  readonly demonstration?: string;
}

const integer = (flag: string, value: string) =>
  Number.isInteger(Number(value)) && value.trim() !== ""
    ? Effect.succeed(Number(value))
    : Effect.fail(
      new BadConfig({
        subject: `--${flag}`,
        reason: `"${value}" is not an integer`,
      }),
    );

// The numeric and text options of the recipe flags, checked.
const recipeOptions = (flags: ModelFlags) =>
  Effect.gen(function* () {
    const layer = flags.layer === undefined
      ? undefined
      : yield* integer("layer", flags.layer);
    const outputLayer = flags["output-layer"] === undefined
      ? undefined
      : yield* integer("output-layer", flags["output-layer"]);
    let tp: { start: number; exit: number } | undefined;
    if (flags.tp !== undefined) {
      const [a, b, ...rest] = flags.tp.split(",");
      if (b === undefined || rest.length > 0) {
        return yield* new BadConfig({
          subject: "--tp",
          reason: `"${flags.tp}" is not START,EXIT`,
        });
      }
      tp = { start: yield* integer("tp", a), exit: yield* integer("tp", b) };
    }
    let demonstration: { sentence: string; word: string } | undefined;
    if (flags.demonstration !== undefined) {
      const at = flags.demonstration.lastIndexOf("|");
      if (at <= 0 || at === flags.demonstration.length - 1) {
        return yield* new BadConfig({
          subject: "--demonstration",
          reason: `"${flags.demonstration}" is not "SENTENCE|WORD"`,
        });
      }
      demonstration = {
        sentence: flags.demonstration.slice(0, at),
        word: flags.demonstration.slice(at + 1),
      };
    }
    const precision = flags.precision ?? "fp32";
    if (precision !== "fp32" && precision !== "int8") {
      return yield* new BadConfig({
        subject: "--precision",
        reason: `"${precision}" is not fp32 or int8`,
      });
    }
    return {
      ...(precision === "int8" ? { precision: "int8" as const } : {}),
      ...(layer !== undefined ? { layer } : {}),
      ...(outputLayer !== undefined ? { outputLayer } : {}),
      ...(tp ? { tp } : {}),
      ...(demonstration ? { demonstration } : {}),
    };
  });

const DTYPE_ALIASES: Readonly<Record<string, string>> = { q8: "quantized" };

/**
 * `--model REF --recipe NAME` as a pipeline: the recipe checked against the
 * model (encoder or decoder, mask token, sentence-transformers files) and
 * applied. A folder path is made absolute, against the folder the task was
 * started in.
 */
export const modelRecipeFlag = (flags: ModelFlags) =>
  Effect.gen(function* () {
    if (flags.model === undefined) {
      return yield* new BadConfig({
        subject: "--recipe",
        reason: "needs --model REF (a folder path or a hub id org/name)",
      });
    }
    const model = refKind(flags.model) === "path"
      ? pathRefFolder(flags.model)
      : flags.model;
    const dtype = flags.dtype && (DTYPE_ALIASES[flags.dtype] ?? flags.dtype);
    const file = dtype ? ONNX_VARIANTS[dtype] ?? dtype : undefined;
    const spec = yield* recipeFor(flags.recipe ?? "mean", model, {
      ...(yield* recipeOptions(flags)),
      ...(file && file !== ONNX_VARIANTS.fp32 ? { file } : {}),
      ...(flags["prompt-name"] ? { promptName: flags["prompt-name"] } : {}),
    });
    return { spec } as SourcedPipeline;
  });

/** `--precision int8` on a declared pipeline: every transformer stage runs int8. */
const withPrecision = (sourced: SourcedPipeline, precision?: string) =>
  precision === undefined || precision === "fp32"
    ? Effect.succeed(sourced)
    : precision !== "int8"
    ? Effect.fail(
      new BadConfig({
        subject: "--precision",
        reason: `"${precision}" is not fp32 or int8`,
      }),
    )
    : Effect.succeed({
      ...sourced,
      spec: {
        ...sourced.spec,
        stages: sourced.spec.stages.map((s) =>
          s._tag === "transformer" ? { ...s, precision: "int8" as const } : s
        ),
      },
    });

/** `--model/--recipe` when given, else `--pipeline` (or the default). */
export const pipelineOrRecipe = (
  flags: ModelFlags & { readonly pipeline?: string },
  fallback: string,
) =>
  flags.model !== undefined || flags.recipe !== undefined
    ? modelRecipeFlag(flags)
    : Effect.flatMap(
      pipelineFlag(flags.pipeline ?? fallback),
      (sourced) => withPrecision(sourced, flags.precision),
    );
