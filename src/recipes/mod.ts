/**
 * Recipes for any model: the classic training-free pipelines (encoders:
 * cls, mean, first-last, whitening, "Avg.", PromptBERT, the model's own
 * sentence-transformers config; decoders: last token, PromptEOL, CoT,
 * Knowledge, Token Prepending) applied to a model reference.
 *
 * @module
 */
export {
  findRecipe,
  type ModelKind,
  modelSlug,
  type Recipe,
  recipe,
  RecipeMismatch,
  type RecipeOptions,
  RECIPES,
  UnknownRecipe,
} from "./recipes.ts";
export {
  type ModelFacts,
  modelFacts,
  recipeFor,
  type RecipeForOptions,
} from "./inspect.ts";
