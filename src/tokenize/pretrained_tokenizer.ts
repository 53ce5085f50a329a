import { Effect } from "effect";
import { existsSync } from "node:fs";
import { MissingModelFiles } from "../errors.ts";
import { modelFolder, Paths } from "../paths.ts";
import { tokenizerFromJson } from "./json_tokenizer.ts";
import type { Tokenizer } from "./tokenized.ts";

// A model id becomes a path under the models folder: refuse anything that
// could climb out of it or name an absolute path.
const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)?$/;

const HUB = "https://huggingface.co";

/**
 * Loads the tokenizer of a model folder (`<models>/<id>/tokenizer.json` and
 * `tokenizer_config.json`); with `SENTEMB_ALLOW_REMOTE=1` an id missing
 * locally is fetched from the Hugging Face hub instead. It runs on
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
    const paths = yield* Paths;
    const folder = modelFolder(paths, model, "tokenizer.json");
    if (!SAFE_ID.test(model) || model.includes("..")) {
      return yield* new MissingModelFiles({
        model,
        path: folder,
        hint: "A model id is a folder name or a hub id such as org/name.",
      });
    }
    const local = existsSync(`${folder}/tokenizer.json`);
    if (!local && !paths.allowRemote) {
      return yield* new MissingModelFiles({
        model,
        path: `${folder}/tokenizer.json`,
        hint:
          "Put the model folder under SENTEMB_MODELS, or set SENTEMB_ALLOW_REMOTE=1 to fetch it from the hub.",
      });
    }
    const where = local ? folder : `${HUB}/${model}/resolve/main`;
    // tokenizer_config.json is optional: without it no pad or mask is named.
    const read = (file: string, optional: boolean) =>
      Effect.tryPromise({
        try: async () => {
          if (local) {
            const path = `${folder}/${file}`;
            if (optional && !existsSync(path)) return undefined;
            return JSON.parse(await Deno.readTextFile(path)) as unknown;
          }
          const r = await fetch(`${where}/${file}`);
          if (optional && r.status === 404) return undefined;
          if (!r.ok) throw new Error(`HTTP ${r.status}`);
          return await r.json() as unknown;
        },
        catch: (cause) =>
          new MissingModelFiles({
            model,
            path: `${where}/${file}`,
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
          path: `${where}/tokenizer.json`,
          hint: `Its tokenizer could not be built: ${String(cause)}`,
        }),
    });
  },
);
