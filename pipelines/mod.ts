import type { PipelineSpec } from "../src/pipeline/spec.ts";
import {
  randomBertIdsCorpusIdf,
  randomBertIdsIdf,
  randomBertIdsMean,
} from "./random_bert_ids.ts";
import { randomHashedWords } from "./random_hashed_words.ts";
import { randomStemsCorpusIdf, randomStemsIdf } from "./random_stems.ts";
import { word2vecMean } from "./word2vec_mean.ts";
import { encoderRecipes, sentenceTransformer } from "./encoder_recipes.ts";

/** Every declared pipeline, in the order `deno task pipelines` lists them. */
export const PIPELINES: ReadonlyArray<PipelineSpec> = [
  randomStemsCorpusIdf,
  randomStemsIdf,
  randomHashedWords,
  randomBertIdsIdf,
  randomBertIdsCorpusIdf,
  randomBertIdsMean,
  word2vecMean,
  ...encoderRecipes("bert-base", "bert-base-uncased", "bert-base-uncased"),
  sentenceTransformer("minilm-l6-st", "all-MiniLM-L6-v2", "all-MiniLM-L6-v2"),
  sentenceTransformer(
    "mpnet-base-st",
    "all-mpnet-base-v2",
    "all-mpnet-base-v2",
  ),
  // The same recipes on the random-weight BERT-base from `deno task fixture`:
  // real shapes and compute cost, meaningless vectors.
  ...encoderRecipes(
    "random-bert-base",
    "random-bert-base",
    "random-weight BERT-base fixture",
  ),
];

/** Used when no `--pipeline` is given: works offline, downloads nothing. */
export const DEFAULT_PIPELINE = randomStemsCorpusIdf.name;
