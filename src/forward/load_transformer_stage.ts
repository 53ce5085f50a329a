import { Effect } from "effect";
import { MissingModelFiles } from "../errors.ts";
import { Forward } from "./service.ts";
import { tokenPrependingFile } from "../onnx/tp/rewrite_file.ts";
import { existsSync, readFileSync, statSync } from "node:fs";
import { externalFiles } from "../onnx/derived_graph.ts";
import { decodeModel } from "../onnx/proto.ts";
import { int8ModelFile } from "../onnx/quantize/quantize_file.ts";
import { refKind, resolveModelFiles } from "../models/resolve.ts";
import type { Tokenizer } from "../tokenize/tokenized.ts";
import type { RewrittenModel } from "../onnx/rewrite/rewrite_file.ts";
import {
  type ModelConfig,
  type StageSettings,
  stageSettings,
  type TransformerSpec,
  transformerStage,
} from "./transformer_stage.ts";

/** How a transformer stage is loaded. */
export interface StageOptions {
  /** The model folder, when it is not found by id (an exported checkpoint). */
  readonly folder?: string;
  /** Token Prepending layers: the graph is rewritten to overwrite `<PST>`. */
  readonly tokenPrepending?: { readonly start: number; readonly exit: number };
}

/** A loaded transformer as the server describes it to clients. */
export interface LoadedTransformer {
  /** What the stage knows of its model. */
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

// Graphs holding their weights are large; one with external data is small.
const SMALL_GRAPH = 64 * 1024 * 1024;

// A hub id's graph comes from the same snapshot, with every external-data
// file its initializers name (beyond those its name implies); a local
// folder keeps the folder its config.json is in (a missing graph is named
// by the loader).
const resolveGraphFolder = (model: string, graph: string, folder: string) =>
  refKind(model) !== "hub" || existsSync(`${folder}/${graph}`)
    ? Effect.succeed(folder)
    : Effect.gen(function* () {
      const dir = yield* resolveModelFiles(model, {
        needed: [graph],
        graphs: [graph],
      });
      const path = `${dir}/${graph}`;
      if (statSync(path).size > SMALL_GRAPH) return dir;
      const named = externalFiles(decodeModel(readFileSync(path)));
      const base = graph.includes("/")
        ? graph.slice(0, graph.lastIndexOf("/") + 1)
        : "";
      const missing = named.map((f) => `${base}${f}`).filter((f) =>
        !existsSync(`${dir}/${f}`)
      );
      if (missing.length > 0) {
        yield* resolveModelFiles(model, { needed: [graph, ...missing] });
      }
      return dir;
    });

/**
 * Makes a transformer's files present on this host — config.json, the
 * graph and its external data (downloaded for a hub id) — and returns the
 * graph's path. What `deno task recipes --out` does before a server that
 * may not download runs the pipeline.
 */
export const resolveTransformerFiles = Effect.fn("resolveTransformerFiles")(
  function* (model: string, file?: string) {
    const graph = file ?? "onnx/model.onnx";
    const folder = yield* resolveModelFiles(model, { needed: ["config.json"] });
    return `${yield* resolveGraphFolder(model, graph, folder)}/${graph}`;
  },
);

/** Loads a transformer's config and graph through the Forward service. */
export const loadTransformerStage = Effect.fn("loadTransformerStage")(
  function* (
    encoder: TransformerSpec,
    tokenizer: Tokenizer,
    options: StageOptions = {},
  ) {
    const forward = yield* Forward;
    const graph = encoder.file ?? "onnx/model.onnx";
    // config.json and the graph (with its external data) of a folder path,
    // a local id, or a hub id downloaded into the Hugging Face cache. A
    // local id's graph is looked for beside its config.json, as before.
    const folder = options.folder ??
      (yield* resolveModelFiles(encoder.model, { needed: ["config.json"] }));
    const config = yield* readModelConfig(encoder.model, folder);
    const fp32 = options.folder !== undefined
      ? modelFile(encoder, folder)
      : `${yield* resolveGraphFolder(encoder.model, graph, folder)}/${graph}`;
    // int8: quantized first; the hidden-state and Token Prepending rewrites
    // then run on the quantized graph (they only look at the residual chain).
    const source = encoder.precision === "int8"
      ? (yield* int8ModelFile(fp32)).path
      : fp32;
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
    // A decoder graph without position_ids counts positions from 0 on every
    // row (unless it derives them from the mask, as OPT does): left padding
    // would shift them, right padding cannot (causal attention never looks
    // ahead, and pooling reads the mask). Token Prepending stays left-padded.
    const positions = model.info.inputs.some((i) => i.name === "position_ids");
    const padded: StageSettings = settings.padSide === "left" && !tp &&
        !positions
      ? { ...settings, padSide: "right" }
      : settings;
    const stage = yield* transformerStage(model, tokenizer, padded);
    const transformer: LoadedTransformer = {
      info: model.info,
      settings: padded,
      folder,
    };
    return { stage, transformer };
  },
);
