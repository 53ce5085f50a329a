import { AutoTokenizer, env } from "@huggingface/transformers";
import { Effect } from "effect";
import { existsSync } from "node:fs";
import { MissingModelFiles } from "../errors.ts";
import { modelFolder, Paths } from "../paths.ts";
import { vocabTokenizer } from "./vocab_tokenizer.ts";

// A model id becomes a path under the models folder: refuse anything that
// could climb out of it or name an absolute path.
const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)?$/;

/**
 * Loads the tokenizer of a model folder (`<models>/<id>/tokenizer.json`) with
 * transformers.js; with `SENTEMB_ALLOW_REMOTE=1` an id missing locally is
 * fetched from the Hugging Face hub instead.
 */
export const loadPretrainedTokenizer = Effect.fn("loadPretrainedTokenizer")(
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
    // The folder's parent, so a fixture folder resolves like a shared one.
    env.localModelPath = `${folder.slice(0, folder.length - model.length)}`;
    env.allowLocalModels = true;
    env.allowRemoteModels = paths.allowRemote;
    const tokenizer = yield* Effect.tryPromise({
      try: () =>
        AutoTokenizer.from_pretrained(model, { local_files_only: local }),
      catch: (cause) =>
        new MissingModelFiles({
          model,
          path: folder,
          hint: `Loading its tokenizer failed: ${String(cause)}`,
        }),
    });
    const t = tokenizer as unknown as {
      pad_token_id?: number | null;
      mask_token_id?: number | null;
    };
    return vocabTokenizer(model, {
      vocab: tokenizer.get_vocab(),
      specialIds: tokenizer.all_special_ids,
      padId: t.pad_token_id ?? undefined,
      maskId: t.mask_token_id ?? undefined,
      encode: (text) => tokenizer.encode(text),
    });
  },
);
