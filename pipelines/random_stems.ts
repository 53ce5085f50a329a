import type { PipelineSpec } from "../src/pipeline/spec.ts";

const stems = {
  tokenizer: { _tag: "words", lowercase: true, stem: true },
  encoder: { _tag: "random", dim: 2048, seed: 1 },
  pooling: "mean",
  filters: { special: true, punctuation: true, subwords: false },
} as const;

/**
 * Random vectors of Porter-stemmed words, idf fitted on the sentences being
 * embedded: the best random recipe in the transductive setting.
 */
export const randomStemsIdf: PipelineSpec = {
  ...stems,
  name: "random-stems-idf",
  description:
    "Random 2048-d vectors of Porter-stemmed words, idf fitted on the input, punctuation dropped",
  weighting: { _tag: "idf", fitOn: "input" },
};

/**
 * The same with idf from the general corpus, shipped as an artifact: the
 * best corpus-only recipe and the default pipeline. No model, no corpus,
 * no download at run time.
 */
export const randomStemsCorpusIdf: PipelineSpec = {
  ...stems,
  name: "random-stems-corpus-idf",
  description:
    "Random 2048-d vectors of Porter-stemmed words, idf fitted on Wikipedia+WikiText (shipped artifact), punctuation dropped",
  weighting: { _tag: "idf", fitOn: "corpus" },
  artifact: "3b9de17e12a9f890",
};
