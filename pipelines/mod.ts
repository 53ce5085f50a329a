import type { PipelineSpec } from "../src/pipeline/spec.ts";
import {
  randomBertIdsCorpusIdf,
  randomBertIdsIdf,
  randomBertIdsMean,
} from "./random_bert_ids.ts";
import { randomHashedWords } from "./random_hashed_words.ts";
import {
  randomStemsCorpusIdf,
  randomStemsCorpusSif,
  randomStemsIdf,
} from "./random_stems.ts";
import { word2vecMean } from "./word2vec_mean.ts";
import { encoderRecipes, sentenceTransformer } from "./encoder_recipes.ts";
import { decoderRecipes, promptBert } from "./prompt_recipes.ts";

/**
 * stories260K (5 layers): TP over [1, 3), output at the last state; the
 * demonstration is the one `deno task demos --model stories260k` picked.
 */
const STORIES260K = {
  outputLayer: -1,
  tp: { start: 1, exit: 3 },
  // STS-B dev 27.13 vs 24.91 without (artifacts/demonstrations.json).
  demonstration: {
    sentence: "Stocks fell sharply after the announcement.",
    word: "Market",
  },
};

/** Every declared pipeline, in the order `deno task pipelines` lists them. */
export const PIPELINES: ReadonlyArray<PipelineSpec> = [
  randomStemsCorpusSif,
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
  promptBert("bert-base-promptbert", "bert-base-uncased"),
  // LLaMA-2-7B settings from the TP paper (METHODS §4): TP over layers
  // [1, 7), output state 27; OPT's best demonstration from PromptEOL.
  ...decoderRecipes(
    "llama2-7b",
    { kind: "pretrained", model: "Llama-2-7b-hf" },
    {
      outputLayer: 27,
      tp: { start: 1, exit: 7 },
      demonstration: {
        sentence: "A jockey riding a horse.",
        word: "Equestrian",
      },
    },
  ),
  // The real pretrained llama2.c model that is here: small, but real.
  ...decoderRecipes("stories260k", {
    kind: "llama2c",
    model: "stories260K",
    tokenizer: "tok512.bin",
  }, STORIES260K),
  promptBert("random-bert-base-promptbert", "random-bert-base"),
  // The same recipes on the random-weight BERT-base from `deno task fixture`:
  // real shapes and compute cost, meaningless vectors.
  ...encoderRecipes(
    "random-bert-base",
    "random-bert-base",
    "random-weight BERT-base fixture",
  ),
];

/** Used when no `--pipeline` is given: works offline, downloads nothing. */
export const DEFAULT_PIPELINE: string = randomStemsCorpusSif.name;
