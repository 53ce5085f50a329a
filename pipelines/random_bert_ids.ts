import { pipeline } from "../src/pipeline/builder.ts";
import type { PipelineSpec } from "../src/pipeline/spec.ts";
import {
  dropTokens,
  idf,
  meanPool,
  modelTokenizer,
  randomVectors,
} from "../src/stages/mod.ts";

const bert = modelTokenizer("bert-base-uncased");
const vectors = randomVectors(2048, 1);
const bertFilters = dropTokens({
  special: true,
  punctuation: true,
  subwords: true,
});

/**
 * Random vectors keyed by bert-base-uncased WordPiece ids, idf fitted on the
 * sentences being embedded (transductive): the best random recipe on STS.
 */
export const randomBertIdsIdf: PipelineSpec = pipeline(
  "random-bert-ids-idf",
  bert,
  vectors,
  idf("input"),
  bertFilters,
  meanPool(),
  {
    description:
      "Random 2048-d vectors of bert-base-uncased WordPiece ids, idf fitted on the input, special/punctuation/## pieces dropped",
  },
);

/** The same vectors with the corpus idf only: what a server can ship. */
export const randomBertIdsCorpusIdf: PipelineSpec = pipeline(
  "random-bert-ids-corpus-idf",
  bert,
  vectors,
  idf("corpus"),
  bertFilters,
  meanPool(),
  {
    description:
      "Random 2048-d vectors of bert-base-uncased WordPiece ids, idf fitted on Wikipedia+WikiText (shipped artifact), special/punctuation/## pieces dropped",
    artifact: "e4205b5c561452c1",
  },
);

/** The baseline every paper starts from: plain mean of random token vectors. */
export const randomBertIdsMean: PipelineSpec = pipeline(
  "random-bert-ids-mean",
  bert,
  vectors,
  dropTokens({ special: true }),
  meanPool(),
  {
    description:
      "Plain mean of random 2048-d vectors of bert-base-uncased WordPiece ids (baseline)",
  },
);
