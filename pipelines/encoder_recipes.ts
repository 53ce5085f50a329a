import type { PipelineSpec } from "../src/pipeline/spec.ts";

const noFilters = { special: false, punctuation: false, subwords: false };

/**
 * The classic training-free recipes on an encoder (METHODS §1–§2), for a
 * model id: they run wherever `<id>/onnx/model.onnx` exists (a model folder
 * under SENTEMB_MODELS, or a fixture from `deno task fixture`).
 */
export const encoderRecipes = (
  prefix: string,
  model: string,
  about: string,
): PipelineSpec[] => {
  const base = {
    tokenizer: { _tag: "pretrained", model },
    weighting: { _tag: "uniform" },
    filters: noFilters,
  } as const;
  return [
    {
      ...base,
      name: `${prefix}-cls`,
      description: `${about}: [CLS] of the last layer`,
      encoder: { _tag: "transformer", model, layers: { _tag: "last" } },
      pooling: "cls",
    },
    {
      ...base,
      name: `${prefix}-last-mean`,
      description: `${about}: mean of the last layer`,
      encoder: { _tag: "transformer", model, layers: { _tag: "last" } },
      pooling: "mean",
    },
    {
      ...base,
      name: `${prefix}-first-last-mean`,
      description: `${about}: mean of the average of layers 1 and L`,
      encoder: { _tag: "transformer", model, layers: { _tag: "firstLast" } },
      pooling: "mean",
    },
    {
      ...base,
      name: `${prefix}-layer10-mean`,
      description: `${about}: mean of layer 10`,
      encoder: {
        _tag: "transformer",
        model,
        layers: { _tag: "layers", indices: [10] },
      },
      pooling: "mean",
    },
    {
      ...base,
      name: `${prefix}-first-last-whiten`,
      description:
        `${about}: first-last mean, whitened on 4,000 corpus sentences`,
      encoder: { _tag: "transformer", model, layers: { _tag: "firstLast" } },
      pooling: "mean",
      postprocess: { steps: [{ _tag: "whiten" }], fitOn: "corpus" },
      corpusSentences: 4000,
    },
    {
      ...base,
      name: `${prefix}-avg-static`,
      description:
        `${about}: "Avg." static vectors (first-last states averaged over 4,000 corpus sentences), corpus-idf mean, special tokens dropped`,
      encoder: {
        _tag: "contextualAverage",
        model,
        layers: { _tag: "firstLast" },
      },
      pooling: "mean",
      weighting: { _tag: "idf", fitOn: "corpus" },
      filters: { special: true, punctuation: true, subwords: false },
      corpusSentences: 4000,
    },
    {
      ...base,
      name: `${prefix}-first-last-plus-avg`,
      description:
        `${about}: "BERT+Avg." — first-last mean mixed half and half with its "Avg." static vector`,
      encoder: { _tag: "transformer", model, layers: { _tag: "firstLast" } },
      pooling: "mean",
      staticMix: {
        encoder: {
          _tag: "contextualAverage",
          model,
          layers: { _tag: "firstLast" },
        },
        weight: 0.5,
      },
      corpusSentences: 4000,
    },
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
): PipelineSpec => ({
  name,
  description: `${about}, as its sentence-transformers modules declare`,
  tokenizer: { _tag: "pretrained", model },
  encoder: { _tag: "transformer", model, layers: { _tag: "last" } },
  pooling: "mean",
  sentenceTransformers: true,
  weighting: { _tag: "uniform" },
  filters: noFilters,
});
