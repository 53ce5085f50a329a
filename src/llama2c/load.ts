import { Effect } from "effect";
import { MissingModelFiles } from "../errors.ts";
import { Paths } from "../paths.ts";
import { parseCheckpoint } from "./checkpoint.ts";
import { Llama2cFormatError } from "./errors.ts";
import { type Llama2cTokenizer, llama2cTokenizer } from "./tokenizer.ts";
import { parseVocab } from "./vocab.ts";
import type { LlamaWeights } from "./weights.ts";

/** A llama2.c model folder read into memory. */
export interface Llama2cModel {
  readonly weights: LlamaWeights;
  readonly tokenizer: Llama2cTokenizer;
}

/** A checkpoint or tokenizer file's bytes; a missing file names its path. */
export const readBytes = (model: string, path: string) =>
  Effect.tryPromise({
    try: () => Deno.readFile(path),
    catch: (e) =>
      e instanceof Deno.errors.NotFound
        ? new MissingModelFiles({
          model,
          path,
          hint: "llama2.c models are read from SENTEMB_MODELS/<id>/.",
        })
        : new Llama2cFormatError({
          file: path,
          reason: `cannot be read: ${String(e)}`,
        }),
  });

/**
 * Reads `<models>/<id>/<checkpoint>` and its tokenizer; the tokenizer must
 * have exactly the checkpoint's vocabulary size.
 */
export const loadLlama2c = Effect.fn("loadLlama2c")(function* (
  id: string,
  files: { readonly checkpoint: string; readonly tokenizer: string },
) {
  const paths = yield* Paths;
  const dir = `${paths.models}/${id}`;
  const weights = yield* parseCheckpoint(
    yield* readBytes(id, `${dir}/${files.checkpoint}`),
    `${dir}/${files.checkpoint}`,
  );
  const vocab = yield* parseVocab(
    yield* readBytes(id, `${dir}/${files.tokenizer}`),
    `${dir}/${files.tokenizer}`,
    weights.config.vocabSize,
  );
  return {
    weights,
    tokenizer: llama2cTokenizer(vocab, `${id}/${files.tokenizer}`),
  } satisfies Llama2cModel;
});

/** The stories260K checkpoint and its 512-piece tokenizer from the models folder. */
export const loadStories260K = (): Effect.Effect<
  Llama2cModel,
  MissingModelFiles | Llama2cFormatError,
  Paths
> =>
  loadLlama2c("stories260K", {
    checkpoint: "stories260K.bin",
    tokenizer: "tok512.bin",
  });
