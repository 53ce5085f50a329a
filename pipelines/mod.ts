import type { PipelineSpec } from "../src/pipeline/spec.ts";
import {
  randomBertIdsCorpusIdf,
  randomBertIdsIdf,
  randomBertIdsMean,
} from "./random_bert_ids.ts";
import { randomHashedWords } from "./random_hashed_words.ts";
import { randomStemsCorpusIdf, randomStemsIdf } from "./random_stems.ts";
import { word2vecMean } from "./word2vec_mean.ts";

/** Every declared pipeline, in the order `deno task pipelines` lists them. */
export const PIPELINES: ReadonlyArray<PipelineSpec> = [
  randomStemsCorpusIdf,
  randomStemsIdf,
  randomHashedWords,
  randomBertIdsIdf,
  randomBertIdsCorpusIdf,
  randomBertIdsMean,
  word2vecMean,
];

/** Used when no `--pipeline` is given: works offline, downloads nothing. */
export const DEFAULT_PIPELINE = randomStemsCorpusIdf.name;
