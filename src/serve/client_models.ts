import { Effect } from "effect";
import { existsSync } from "node:fs";
import { MissingModelFiles } from "../errors.ts";
import type { Paths } from "../paths.ts";
import { localModelFolder } from "../models/resolve.ts";
import type { Embedder } from "../pipeline/load.ts";
import { modelFile } from "../forward/load_transformer_stage.ts";
import { portabilityOf } from "../pipeline/portable.ts";
import type { TransformerDescription } from "../pipeline/client_resources.ts";
import { findPipeline } from "../pipeline/registry.ts";
import { planOf } from "../pipeline/plan.ts";
import type { PipelineSpec } from "../pipeline/spec.ts";
import { NotPortable } from "./serve_errors.ts";

/** The files a client fetches to run a transformer pipeline, by role. */
export const CLIENT_FILES = [
  "graph.onnx",
  "tokenizer.json",
  "tokenizer_config.json",
  "tokenizer.bin",
] as const;
/** The role of a client file. */
export type ClientFile = typeof CLIENT_FILES[number];

/** A file on its way to a client. */
export interface ClientFileBody {
  /** The file's bytes. */
  readonly body: ReadableStream<Uint8Array>;
  /** Its size in bytes. */
  readonly size: number;
}

/** A transformer pipeline as a client loads it: what to fetch and how to run it. */
export interface ClientModel extends TransformerDescription {
  /** Which tokenizer the client builds. */
  readonly tokenizer: "pretrained" | "llama2c";
  /** The roles this pipeline has files for, with their sizes in bytes. */
  readonly files: Readonly<Partial<Record<ClientFile, number>>>;
}

// The size of the weights file a transformer spec loads from on this host
// (0 for a static spec); undefined when the host does not have it.
const hostModelBytes = (
  paths: Paths["Service"],
  spec: PipelineSpec,
): number | undefined => {
  const { vectors, tokenizer } = planOf(spec);
  if (vectors._tag !== "transformer") return 0;
  const file = tokenizer._tag === "llama2cTokenizer"
    ? `${paths.models}/${tokenizer.model}/${tokenizer.model}.bin`
    : modelFile(
      vectors,
      localModelFolder(
        paths,
        vectors.model,
        vectors.file ?? "onnx/model.onnx",
      ),
    );
  try {
    return Deno.statSync(file).size;
  } catch {
    return undefined;
  }
};

// Local paths by role; only these paths are ever read for a client.
const localFiles = (
  paths: Paths["Service"],
  spec: PipelineSpec,
  embedder: Embedder,
): Partial<Record<ClientFile, string>> => {
  const t = embedder.transformer;
  if (!t) return {};
  const { tokenizer } = planOf(spec);
  if (tokenizer._tag === "llama2cTokenizer") {
    return {
      "graph.onnx": t.info.path,
      "tokenizer.bin":
        `${paths.models}/${tokenizer.model}/${tokenizer.tokenizer}`,
    };
  }
  if (tokenizer._tag !== "pretrainedTokenizer") return {};
  const folder = localModelFolder(paths, tokenizer.model, "tokenizer.json");
  const config = `${folder}/tokenizer_config.json`;
  return {
    "graph.onnx": t.info.path,
    // A tokenizer fetched from the hub has no local files to hand on.
    ...(existsSync(`${folder}/tokenizer.json`)
      ? { "tokenizer.json": `${folder}/tokenizer.json` }
      : {}),
    ...(existsSync(config) ? { "tokenizer_config.json": config } : {}),
  };
};

/**
 * The pipelines a browser can run, and for transformer ones the files it
 * fetches: static pipelines need only their spec and artifact; transformer
 * pipelines also their model's graph and tokenizer, served from this host.
 * A client names a pipeline and a role, never a path.
 */
export const clientModels = <E>(
  registry: ReadonlyArray<PipelineSpec>,
  paths: Paths["Service"],
  load: (name: string) => Effect.Effect<Embedder, E>,
) => {
  const modelBytes = new Map<string, number>();
  for (const spec of registry) {
    const bytes = portabilityOf(spec) ? undefined : hostModelBytes(paths, spec);
    if (bytes !== undefined) modelBytes.set(spec.name, bytes);
  }
  const portable = registry.filter((spec) => modelBytes.has(spec.name));
  const transformerSpec = (name: string) =>
    Effect.gen(function* () {
      const spec = yield* findPipeline(registry, name);
      const problem = portabilityOf(spec) ??
        (planOf(spec).vectors._tag === "transformer"
          ? undefined
          : "it is a static pipeline: its spec and artifact are all it needs");
      if (problem) {
        return yield* new NotPortable({ model: spec.name, reason: problem });
      }
      const embedder = yield* load(spec.name);
      const files = localFiles(paths, spec, embedder);
      if (!embedder.transformer || !files["graph.onnx"]) {
        return yield* new NotPortable({
          model: spec.name,
          reason: "its model did not load as a transformer",
        });
      }
      if (embedder.transformer.info.externalData.length > 0) {
        return yield* new NotPortable({
          model: spec.name,
          reason: "its weights live in external data files",
        });
      }
      return { spec, transformer: embedder.transformer, files };
    });

  // A listed file that vanished (a cache cleared under a running server).
  const gone = (model: string, path: string) =>
    new MissingModelFiles({
      model,
      path,
      hint: "A file the pipeline loaded from is no longer on this host.",
    });

  const describe = (name: string) =>
    Effect.gen(function* () {
      const { spec, transformer, files } = yield* transformerSpec(name);
      const { source: _s, path: _p, externalData: _e, ...graph } =
        transformer.info;
      const sizes: Partial<Record<ClientFile, number>> = {};
      for (const [role, path] of Object.entries(files)) {
        sizes[role as ClientFile] = yield* Effect.try({
          try: () => Deno.statSync(path).size,
          catch: () => gone(spec.name, path),
        });
      }
      return {
        settings: transformer.settings,
        graph,
        tokenizer: planOf(spec).tokenizer._tag === "llama2cTokenizer"
          ? "llama2c"
          : "pretrained",
        files: sizes,
      } satisfies ClientModel;
    });

  /** A pipeline's file by role, as a stream of its bytes. */
  const file = (name: string, role: string) =>
    Effect.flatMap(transformerSpec(name), ({
      spec,
      files,
    }): Effect.Effect<ClientFileBody, NotPortable | MissingModelFiles> => {
      const path = (CLIENT_FILES as ReadonlyArray<string>).includes(role)
        ? files[role as ClientFile]
        : undefined;
      return path === undefined
        ? Effect.fail(
          new NotPortable({
            model: spec.name,
            reason: `it has no file "${role}" (${
              Object.keys(files).join(", ")
            })`,
          }),
        )
        : Effect.tryPromise({
          try: async () => {
            const size = (await Deno.stat(path)).size;
            return { body: (await Deno.open(path)).readable, size };
          },
          catch: () => gone(spec.name, path),
        });
    });

  return { portable, modelBytes, describe, file };
};
