import { pipeline } from "../src/pipeline/builder.ts";
import type { PipelineSpec } from "../src/pipeline/spec.ts";
import {
  contextualAverage,
  dropTokens,
  firstLast,
  idf,
  l2,
  layers,
  meanPool,
  pool,
  sentenceTransformersModules,
  staticMix,
  transformer,
  whiten,
} from "../src/stages/mod.ts";

/**
 * The classic training-free recipes on an encoder (METHODS §1–§2, §5), for
 * a model id: they run wherever `<id>/onnx/model.onnx` exists (a model
 * folder under SENTEMB_MODELS, or a fixture from `deno task fixture`).
 */
export const encoderRecipes = (
  prefix: string,
  model: string,
  about: string,
): PipelineSpec[] => {
  const last = transformer(model);
  const fl = transformer(model, { layers: firstLast() });
  const avg = contextualAverage(model, firstLast());
  return [
    pipeline(`${prefix}-cls`, last, pool("cls"), {
      description: `${about}: [CLS] of the last layer`,
    }),
    pipeline(`${prefix}-last-mean`, last, meanPool(), {
      description: `${about}: mean of the last layer`,
    }),
    pipeline(`${prefix}-first-last-mean`, fl, meanPool(), {
      description: `${about}: mean of the average of layers 1 and L`,
    }),
    pipeline(
      `${prefix}-layer10-mean`,
      transformer(model, { layers: layers(10) }),
      meanPool(),
      { description: `${about}: mean of layer 10` },
    ),
    pipeline(`${prefix}-first-last-whiten`, fl, meanPool(), whiten(), {
      description:
        `${about}: first-last mean, whitened on 4,000 corpus sentences`,
      corpusSentences: 4000,
    }),
    pipeline(
      `${prefix}-avg-static`,
      avg,
      idf("corpus"),
      dropTokens({ special: true, punctuation: true }),
      meanPool(),
      {
        description:
          `${about}: "Avg." static vectors (first-last states averaged over 4,000 corpus sentences), corpus-idf mean, special tokens dropped`,
        corpusSentences: 4000,
      },
    ),
    pipeline(
      `${prefix}-first-last-plus-avg`,
      fl,
      meanPool(),
      staticMix(avg, 0.5),
      {
        description:
          `${about}: "BERT+Avg." — first-last mean mixed half and half with its "Avg." static vector`,
        corpusSentences: 4000,
      },
    ),
    pipeline(
      `${prefix}-whiten-plus-avg`,
      fl,
      meanPool(),
      whiten(),
      staticMix(avg, 0.5),
      l2(),
      {
        description:
          `${about}: first-last mean whitened on the corpus, then mixed half and half with its "Avg." vector, unit length`,
        corpusSentences: 4000,
      },
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
  pipeline(
    name,
    transformer(model),
    meanPool(),
    sentenceTransformersModules(),
    {
      description: `${about}, as its sentence-transformers modules declare`,
    },
  );
