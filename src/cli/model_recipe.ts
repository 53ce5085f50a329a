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
  "prompt-name": { type: "string" },
} as const;

/** Their lines in a command's usage text. */
export const MODEL_USAGE =
  `--model     a model: a folder path (./dir), a folder under SENTEMB_MODELS, or a
            hub id org/name[@revision] (downloaded into the Hugging Face cache)
--recipe    a recipe from \`deno task recipes\` (default mean) applied to --model
--dtype     the ONNX variant: ${Object.keys(ONNX_VARIANTS).join(", ")}
            (onnx/model.onnx, onnx/model_quantized.onnx, ...), or a path in the folder
--prompt-name  with --recipe st: a prompt of config_sentence_transformers.json`;

/** What the model flags carry. */
export interface ModelFlags {
  readonly model?: string;
  readonly recipe?: string;
  readonly dtype?: string;
  readonly "prompt-name"?: string;
}

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
      ...(file && file !== ONNX_VARIANTS.fp32 ? { file } : {}),
      ...(flags["prompt-name"] ? { promptName: flags["prompt-name"] } : {}),
    });
    return { spec } as SourcedPipeline;
  });

/** `--model/--recipe` when given, else `--pipeline` (or the default). */
export const pipelineOrRecipe = (
  flags: ModelFlags & { readonly pipeline?: string },
  fallback: string,
) =>
  flags.model !== undefined || flags.recipe !== undefined
    ? modelRecipeFlag(flags)
    : pipelineFlag(flags.pipeline ?? fallback);
