import type { PipelineSpec } from "../src/pipeline/spec.ts";

const bertFilters = {
  special: true,
  punctuation: true,
  subwords: true,
} as const;

/**
 * Random vectors keyed by bert-base-uncased WordPiece ids, idf fitted on the
 * sentences being embedded (transductive): the best random recipe on STS.
 */
export const randomBertIdsIdf: PipelineSpec = {
  name: "random-bert-ids-idf",
  description:
    "Random 2048-d vectors of bert-base-uncased WordPiece ids, idf fitted on the input, special/punctuation/## pieces dropped",
  tokenizer: { _tag: "pretrained", model: "bert-base-uncased" },
  encoder: { _tag: "random", dim: 2048, seed: 1 },
  pooling: "mean",
  weighting: { _tag: "idf", fitOn: "input" },
  filters: bertFilters,
};

/** The same vectors with the corpus idf only: what a server can ship. */
export const randomBertIdsCorpusIdf: PipelineSpec = {
  name: "random-bert-ids-corpus-idf",
  description:
    "Random 2048-d vectors of bert-base-uncased WordPiece ids, idf fitted on Wikipedia+WikiText (shipped artifact), special/punctuation/## pieces dropped",
  tokenizer: { _tag: "pretrained", model: "bert-base-uncased" },
  encoder: { _tag: "random", dim: 2048, seed: 1 },
  pooling: "mean",
  weighting: { _tag: "idf", fitOn: "corpus" },
  filters: bertFilters,
  artifact: "7df9e124c65c28e0",
};

/** The baseline every paper starts from: plain mean of random token vectors. */
export const randomBertIdsMean: PipelineSpec = {
  name: "random-bert-ids-mean",
  description:
    "Plain mean of random 2048-d vectors of bert-base-uncased WordPiece ids (baseline)",
  tokenizer: { _tag: "pretrained", model: "bert-base-uncased" },
  encoder: { _tag: "random", dim: 2048, seed: 1 },
  pooling: "mean",
  weighting: { _tag: "uniform" },
  filters: { special: true, punctuation: false, subwords: false },
};
