import type { Paths } from "../paths.ts";
import type { MissingModelFiles } from "../errors.ts";
import { Effect } from "effect";
import { readFileSync } from "node:fs";
import {
  isDecoderConfig,
  type ModelConfig,
} from "../forward/transformer_stage.ts";
import {
  ONNX_VARIANTS,
  pickGraphFile,
  readConfigJson,
  resolveModelFiles,
} from "../models/resolve.ts";
import type { PipelineSpec } from "../pipeline/spec.ts";
import { loadPretrainedTokenizer } from "../tokenize/pretrained_tokenizer.ts";
import {
  findRecipe,
  type ModelKind,
  recipe,
  RecipeMismatch,
  type RecipeOptions,
  RECIPES,
  UnknownRecipe,
} from "./recipes.ts";

/** What `recipeFor` reads of a model to check a recipe against it. */
export interface ModelFacts {
  /** Encoder or decoder. */
  readonly kind: ModelKind;
  /** The number of layers, when config.json says. */
  readonly layers: number | undefined;
  /** config.json's `model_type`, when present. */
  readonly modelType: string | undefined;
}

/** Encoder or decoder, and its layer count, from config.json. */
export const modelFacts = (config: Record<string, unknown>): ModelFacts => {
  const n = config.num_hidden_layers ?? config.n_layer ?? config.n_layers ??
    config.num_layers;
  return {
    kind: isDecoderConfig(config as ModelConfig) ? "decoder" : "encoder",
    layers: typeof n === "number" ? n : undefined,
    modelType: typeof config.model_type === "string"
      ? config.model_type
      : undefined,
  };
};

/** Options of {@link recipeFor} beyond the recipe's. */
export interface RecipeForOptions extends RecipeOptions {
  /** `st`: a prompt name from `config_sentence_transformers.json`. */
  readonly promptName?: string;
}

// The `prompts` of config_sentence_transformers.json, when there is one.
const stPrompts = (model: string) =>
  resolveModelFiles(model, {
    needed: ["modules.json"],
    optional: ["config_sentence_transformers.json"],
  }).pipe(
    Effect.map((folder) => {
      try {
        const json = JSON.parse(
          readFileSync(`${folder}/config_sentence_transformers.json`, "utf8"),
        ) as { prompts?: Record<string, string> };
        return json.prompts ?? {};
      } catch {
        return {};
      }
    }),
  );

/**
 * A recipe applied to a model after checking that it fits: encoder or
 * decoder (config.json's `model_type`, `architectures`, `is_decoder`), a
 * mask token for PromptBERT, sentence-transformers files for `st` (whose
 * `prompts` are the prompt names), a Token Prepending range within the
 * model's layers (default [1, max(2, ⌊L/4⌋))). The graph is the variant's
 * file, or the decoder export Optimum names otherwise ({@link pickGraphFile}).
 */
export const recipeFor: (
  name: string,
  model: string,
  options?: RecipeForOptions,
) => Effect.Effect<
  PipelineSpec,
  MissingModelFiles | UnknownRecipe | RecipeMismatch,
  Paths
> = Effect.fn("recipeFor")(function* (
  name: string,
  model: string,
  options: RecipeForOptions = {},
) {
  const found = findRecipe(name);
  if (!found) {
    return yield* new UnknownRecipe({
      name,
      known: RECIPES.map((r) => r.name),
    });
  }
  const r = found.recipe;
  const refuse = (reason: string) =>
    new RecipeMismatch({ recipe: name, model, reason });
  const facts = modelFacts(yield* readConfigJson(model));
  if (!r.kinds.includes(facts.kind)) {
    return yield* refuse(
      `it is for ${r.kinds.join(" and ")} models, and config.json describes ${
        facts.modelType ? `a ${facts.modelType} ` : "an "
      }${facts.kind}`,
    );
  }
  let o: RecipeOptions = options;
  if (r.needsMask) {
    const tokenizer = yield* loadPretrainedTokenizer(model);
    if (tokenizer.maskId === undefined) {
      return yield* refuse(
        "its tokenizer has no mask token for the [MASK] slot",
      );
    }
  }
  if (r.needsSentenceTransformers) {
    const prompts = yield* stPrompts(model).pipe(
      Effect.catchTag("MissingModelFiles", () =>
        Effect.fail(
          refuse("it has no sentence-transformers modules.json"),
        )),
    );
    if (options.promptName !== undefined) {
      const prefix = prompts[options.promptName];
      if (prefix === undefined) {
        const known = Object.keys(prompts);
        return yield* refuse(
          `it has no prompt named "${options.promptName}" (${
            known.length ? `its prompts: ${known.join(", ")}` : "it names none"
          })`,
        );
      }
      o = { ...o, promptPrefix: prefix };
    }
  }
  const layers = facts.layers;
  const k = o.layer ?? found.layer;
  if (k !== undefined && layers !== undefined && Math.abs(k) > layers) {
    return yield* refuse(`layer ${k} is beyond its ${layers} layers`);
  }
  const out = o.outputLayer;
  if (out !== undefined && layers !== undefined && Math.abs(out) > layers) {
    return yield* refuse(`output state ${out} is beyond its ${layers} layers`);
  }
  if (r.tokenPrepending) {
    const tp = o.tp ?? {
      start: 1,
      exit: Math.max(2, Math.floor((layers ?? 8) / 4)),
    };
    if (
      tp.start < 0 || tp.exit < tp.start ||
      (layers !== undefined && tp.exit > layers)
    ) {
      return yield* refuse(
        `Token Prepending range [${tp.start}, ${tp.exit}) is not within its ${layers} layers`,
      );
    }
    o = { ...o, tp };
  }
  // A decoder repo may hold only onnx/decoder_model_merged.onnx (Optimum).
  const file = yield* pickGraphFile(model, o.file ?? ONNX_VARIANTS.fp32);
  if (file !== ONNX_VARIANTS.fp32) o = { ...o, file };
  return recipe(name, model, o) as PipelineSpec;
});
