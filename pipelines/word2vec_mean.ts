import type { PipelineSpec } from "../src/pipeline/spec.ts";

/** Mean of the 1,000-word GoogleNews word2vec table (tiny but real). */
export const word2vecMean: PipelineSpec = {
  name: "word2vec-mean",
  description:
    "Mean of word2vec GoogleNews vectors (top 1,000 words, 300-d); unknown words skipped",
  tokenizer: { _tag: "words", lowercase: false },
  encoder: { _tag: "wordVectors", file: "word2vec-top1000-300d/vectors.txt" },
  pooling: "mean",
  weighting: { _tag: "uniform" },
  filters: { special: true, punctuation: true, subwords: false },
};
