import { Effect } from "effect";
import { existsSync } from "node:fs";
import { MissingModelFiles } from "../errors.ts";
import { resolveModelFiles, TOKENIZER_FILES } from "../models/resolve.ts";
import { tokenizerFromJson } from "./json_tokenizer.ts";
import type { Paths } from "../paths.ts";
import type { Tokenizer } from "./tokenized.ts";

/**
 * Loads the tokenizer of a model (`tokenizer.json` and, when present,
 * `tokenizer_config.json`): a folder path, an id under the models folder,
 * or a hub id `org/name[@revision]` downloaded into the Hugging Face cache
 * (`src/models/resolve.ts`). It runs on
 * `@huggingface/tokenizers`, the pure-JS library transformers.js wraps, so
 * the edge and the browser need neither transformers.js nor its native
 * addons (a test holds its ids to transformers.js's).
 */
export const loadPretrainedTokenizer: (
  model: string,
) => Effect.Effect<Tokenizer, MissingModelFiles, Paths> = Effect.fn(
  "loadPretrainedTokenizer",
)(
  function* (model: string) {
    const folder = yield* resolveModelFiles(model, TOKENIZER_FILES);
    // tokenizer_config.json is optional: without it no pad or mask is named.
    const read = (file: string, optional: boolean) =>
      Effect.tryPromise({
        try: async () => {
          const path = `${folder}/${file}`;
          if (optional && !existsSync(path)) return undefined;
          return JSON.parse(await Deno.readTextFile(path)) as unknown;
        },
        catch: (cause) =>
          new MissingModelFiles({
            model,
            path: `${folder}/${file}`,
            hint: `Loading its tokenizer failed: ${String(cause)}`,
          }),
      });
    const json = yield* read("tokenizer.json", false);
    const config = (yield* read("tokenizer_config.json", true)) ?? {};
    return yield* Effect.try({
      try: () =>
        tokenizerFromJson(model, json, config as Record<string, unknown>),
      catch: (cause) =>
        new MissingModelFiles({
          model,
          path: `${folder}/tokenizer.json`,
          hint: `Its tokenizer could not be built: ${String(cause)}`,
        }),
    });
  },
);
