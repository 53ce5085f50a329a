import { Effect } from "effect";
import { BadConfig } from "../errors.ts";
import { loadLlama2c } from "../llama2c/load.ts";
import type { Services } from "../services.ts";
import type { LoadError } from "../stages/resources.ts";
import type { StaticVectorsStage } from "../stages/static_vectors.ts";
import type { StaticEncoder } from "../aggregate/static_encoder.ts";
import { loadInputEmbeddings } from "../static/input_embeddings.ts";
import { randomEncoder } from "../static/random_encoder.ts";
import { loadWordVectors } from "../static/word_vectors.ts";
import { loadPretrainedTokenizer } from "../tokenize/pretrained_tokenizer.ts";
import type { Tokenizer } from "../tokenize/tokenized.ts";
import { wordTokenizer } from "../tokenize/word_tokenizer.ts";
import type { TokenizerStage } from "./plan.ts";

type Loaders<D extends { _tag: string }, A> = {
  readonly [K in D["_tag"]]: (
    d: Extract<D, { _tag: K }>,
  ) => Effect.Effect<A, LoadError, Services>;
};

/**
 * How the server reads each tokenizer stage's files. Kept out of the stage
 * modules, which a browser bundles: a client hands its tokenizer over
 * instead (`clientResources`). Keyed by every tokenizer tag: a new one
 * without a loader is a compile error.
 */
export const TOKENIZER_LOADERS: Loaders<TokenizerStage, Tokenizer> = {
  wordTokenizer: (d) => Effect.succeed(wordTokenizer(d)),
  pretrainedTokenizer: (d) => loadPretrainedTokenizer(d.model),
  llama2cTokenizer: (d) =>
    loadLlama2c(d.model, {
      checkpoint: `${d.model}.bin`,
      tokenizer: d.tokenizer,
    }).pipe(Effect.map((m) => m.tokenizer)),
};

/** How the server reads each static vectors stage's table. */
export const STATIC_LOADERS: Loaders<StaticVectorsStage, StaticEncoder> = {
  randomVectors: (d) => Effect.succeed(randomEncoder(d)),
  wordVectors: (d) => loadWordVectors(d.file),
  inputEmbeddings: (d) => loadInputEmbeddings(d.model, d.file),
  contextualAverage: (d) =>
    Effect.fail(
      new BadConfig({
        subject: `contextualAverage ${d.model}`,
        reason: "its table is fitted on a corpus or read from the artifact",
      }),
    ),
};
