import { Effect } from "effect";
import { MissingModelFiles } from "../errors.ts";
import { Forward } from "./service.ts";
import { tokenPrependingFile } from "../onnx/tp/rewrite_file.ts";
import { modelFolder, Paths } from "../paths.ts";
import type { Tokenizer } from "../tokenize/tokenized.ts";
import type { RewrittenModel } from "../onnx/rewrite/rewrite_file.ts";
import {
  type ModelConfig,
  type StageSettings,
  stageSettings,
  type TransformerSpec,
  transformerStage,
} from "./transformer_stage.ts";

export interface StageOptions {
  /** The model folder, when it is not found by id (an exported checkpoint). */
  readonly folder?: string;
  /** Token Prepending layers: the graph is rewritten to overwrite `<PST>`. */
  readonly tokenPrepending?: { readonly start: number; readonly exit: number };
}

/** A loaded transformer as the server describes it to clients. */
export interface LoadedTransformer {
  readonly settings: StageSettings;
  /** The rewritten graph: its file, outputs and inputs. */
  readonly info: RewrittenModel;
  /** The model folder (config.json, tokenizer files). */
  readonly folder: string;
}

/** A model folder's config.json; its absence names the file. */
export const readModelConfig = (model: string, folder: string) =>
  Effect.try({
    try: () =>
      JSON.parse(
        Deno.readTextFileSync(`${folder}/config.json`),
      ) as ModelConfig,
    catch: () =>
      new MissingModelFiles({
        model,
        path: `${folder}/config.json`,
        hint: "A transformer pipeline needs the model folder's config.json.",
      }),
  });

/** The ONNX file a transformer spec runs, before any rewrite. */
export const modelFile = (encoder: TransformerSpec, folder: string): string =>
  `${folder}/${encoder.file ?? "onnx/model.onnx"}`;

/** Loads a transformer's config and graph through the Forward service. */
export const loadTransformerStage = Effect.fn("loadTransformerStage")(
  function* (
    encoder: TransformerSpec,
    tokenizer: Tokenizer,
    options: StageOptions = {},
  ) {
    const paths = yield* Paths;
    const forward = yield* Forward;
    const folder = options.folder ?? modelFolder(paths, encoder.model);
    const config = yield* readModelConfig(encoder.model, folder);
    const source = modelFile(encoder, folder);
    const tp = options.tokenPrepending;
    const settings = stageSettings(encoder, config, tp !== undefined);
    const { layers } = settings;
    const model = yield* forward.load(
      tp ? (yield* tokenPrependingFile(source, tp)).path : source,
      // A last-layer pipeline runs the model's own graph where it can.
      {
        finalOnly: layers._tag === "last" ||
          (layers._tag === "layers" && layers.indices.every((i) => i === -1)),
      },
    );
    const stage = yield* transformerStage(model, tokenizer, settings);
    const transformer: LoadedTransformer = {
      info: model.info,
      settings,
      folder,
    };
    return { stage, transformer };
  },
);
