import { pipeline } from "../src/pipeline/builder.ts";
import type { PipelineSpec } from "../src/pipeline/spec.ts";
import {
  dropTokens,
  meanPool,
  wordTokens,
  wordVectors,
} from "../src/stages/mod.ts";

/** Mean of the 1,000-word GoogleNews word2vec table (tiny but real). */
export const word2vecMean: PipelineSpec = pipeline(
  "word2vec-mean",
  wordTokens({ lowercase: false }),
  wordVectors("word2vec-top1000-300d/vectors.txt"),
  dropTokens({ special: true, punctuation: true }),
  meanPool(),
  {
    description:
      "Mean of word2vec GoogleNews vectors (top 1,000 words, 300-d); unknown words skipped",
  },
);
