import type { PipelineSpec } from "../src/pipeline/spec.ts";

/**
 * The default: nothing to download, no vocabulary file. Hashed-word random
 * vectors, idf and a frequent-token filter fitted on the general corpus.
 */
export const randomHashedWords: PipelineSpec = {
  name: "random-hashed-words",
  description:
    "Random 2048-d vectors of hashed words, idf and 20 most frequent words fitted on Wikipedia+WikiText (shipped artifact), punctuation dropped",
  tokenizer: { _tag: "words", lowercase: true },
  encoder: { _tag: "random", dim: 2048, seed: 1 },
  pooling: "mean",
  weighting: { _tag: "idf", fitOn: "corpus" },
  filters: {
    special: true,
    punctuation: true,
    subwords: false,
    frequent: { count: 20, fitOn: "corpus" },
  },
  artifact: "1b1b58d082fa9ef4",
};
