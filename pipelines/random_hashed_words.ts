import { pipeline } from "../src/pipeline/builder.ts";
import type { PipelineSpec } from "../src/pipeline/spec.ts";
import {
  dropTokens,
  idf,
  meanPool,
  randomVectors,
  wordTokens,
} from "../src/stages/mod.ts";

/**
 * Hashed-word random vectors (no vocabulary file), idf and a frequent-token
 * filter fitted on the general corpus.
 */
export const randomHashedWords: PipelineSpec = pipeline(
  "random-hashed-words",
  wordTokens({ lowercase: true }),
  randomVectors(2048, 1),
  idf("corpus"),
  dropTokens({
    special: true,
    punctuation: true,
    frequent: { count: 20, fitOn: "corpus" },
  }),
  meanPool(),
  {
    description:
      "Random 2048-d vectors of hashed words, idf and 20 most frequent words fitted on Wikipedia+WikiText (shipped artifact), punctuation dropped",
    artifact: "ae513c1f2a28aa75",
  },
);
