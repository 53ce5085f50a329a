import { pipeline } from "../src/pipeline/builder.ts";
import type { PipelineSpec } from "../src/pipeline/spec.ts";
import {
  dropTokens,
  idf,
  meanPool,
  randomVectors,
  sif,
  wordTokens,
} from "../src/stages/mod.ts";

const stems = wordTokens({ lowercase: true, stem: true });
const vectors = randomVectors(2048, 1);
const punctuation = { special: true, punctuation: true } as const;

/**
 * Random vectors of Porter-stemmed words, idf fitted on the sentences being
 * embedded: the best random recipe in the transductive setting.
 */
export const randomStemsIdf: PipelineSpec = pipeline(
  "random-stems-idf",
  stems,
  vectors,
  idf("input"),
  // Found by `deno task eval --grid` (README): +0.12 avg8 over no drop list.
  dropTokens({ ...punctuation, frequent: { count: 20, fitOn: "corpus" } }),
  meanPool(),
  {
    description:
      "Random 2048-d vectors of Porter-stemmed words, idf fitted on the input, punctuation and the 20 most frequent corpus words dropped",
    artifact: "f67bafff1b42ccae",
  },
);

/**
 * The best corpus-only recipe of the grid: SIF weights a/(a + p(w)) from
 * the general corpus, shipped as an artifact. The default pipeline.
 */
export const randomStemsCorpusSif: PipelineSpec = pipeline(
  "random-stems-corpus-sif",
  stems,
  vectors,
  sif(1e-3, "corpus"),
  dropTokens(punctuation),
  meanPool(),
  {
    description:
      "Random 2048-d vectors of Porter-stemmed words, SIF weights (a = 1e-3) from Wikipedia+WikiText (shipped artifact), punctuation dropped",
    artifact: "29499ba98a17d1ea",
  },
);

/**
 * The same with idf from the general corpus, shipped as an artifact: the
 * first corpus-only recipe (SIF from the same artifact scores 0.17 more).
 */
export const randomStemsCorpusIdf: PipelineSpec = pipeline(
  "random-stems-corpus-idf",
  stems,
  vectors,
  idf("corpus"),
  dropTokens(punctuation),
  meanPool(),
  {
    description:
      "Random 2048-d vectors of Porter-stemmed words, idf fitted on Wikipedia+WikiText (shipped artifact), punctuation dropped",
    artifact: "11f86b3b5230bd7b",
  },
);
