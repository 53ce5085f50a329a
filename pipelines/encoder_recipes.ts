import type { PipelineSpec } from "../src/pipeline/spec.ts";
import { recipe } from "../src/recipes/recipes.ts";

/**
 * The classic training-free recipes on an encoder (METHODS §1–§2, §5), for
 * a model id: they run wherever `<id>/onnx/model.onnx` exists (a model
 * folder under SENTEMB_MODELS, or a fixture from `deno task fixture`).
 * Each is a recipe application (`src/recipes`), named `<prefix>-<name>`.
 */
export const encoderRecipes = (
  prefix: string,
  model: string,
  about: string,
): PipelineSpec[] => {
  const r = (name: string, as: string, description: string, layer?: number) =>
    recipe(name, model, {
      name: `${prefix}-${as}`,
      description: `${about}: ${description}`,
      ...(layer !== undefined ? { layer } : {}),
    });
  return [
    r("cls", "cls", "[CLS] of the last layer"),
    r("mean", "last-mean", "mean of the last layer"),
    r(
      "first-last-mean",
      "first-last-mean",
      "mean of the average of layers 1 and L",
    ),
    r("layer-k", "layer10-mean", "mean of layer 10", 10),
    r(
      "first-last-whiten",
      "first-last-whiten",
      "first-last mean, whitened on 4,000 corpus sentences",
    ),
    r(
      "avg-static",
      "avg-static",
      `"Avg." static vectors (first-last states averaged over 4,000 corpus sentences), corpus-idf mean, special tokens dropped`,
    ),
    r(
      "first-last-plus-avg",
      "first-last-plus-avg",
      `"BERT+Avg." — first-last mean mixed half and half with its "Avg." static vector`,
    ),
    r(
      "whiten-plus-avg",
      "whiten-plus-avg",
      `first-last mean whitened on the corpus, then mixed half and half with its "Avg." vector, unit length`,
    ),
  ];
};

/**
 * A sentence-transformers model as its authors configured it: the folder's
 * pooling and Normalize/Dense modules (all-MiniLM-L6-v2: mean, normalise).
 */
export const sentenceTransformer = (
  name: string,
  model: string,
  about: string,
): PipelineSpec =>
  recipe("st", model, {
    name,
    description: `${about}, as its sentence-transformers modules declare`,
  });
