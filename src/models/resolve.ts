import { Effect, Option } from "effect";
import { existsSync, readFileSync, statSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { MissingModelFiles } from "../errors.ts";
import { modelFolder, Paths } from "../paths.ts";
import {
  HubClient,
  hubConfigFromEnv,
  type HubError,
  hubFile,
  hubListFiles,
} from "../hub/mod.ts";

/**
 * The ONNX variants a model folder may hold (transformers.js's layout), by
 * name: `--variant quantized` runs `onnx/model_quantized.onnx`.
 */
export const ONNX_VARIANTS: Readonly<Record<string, string>> = {
  fp32: "onnx/model.onnx",
  quantized: "onnx/model_quantized.onnx",
  int8: "onnx/model_int8.onnx",
  uint8: "onnx/model_uint8.onnx",
  fp16: "onnx/model_fp16.onnx",
  q4: "onnx/model_q4.onnx",
  q4f16: "onnx/model_q4f16.onnx",
  bnb4: "onnx/model_bnb4.onnx",
};

/** The graph file of a variant name (or a path inside the folder as is). */
export const variantFile = (variant: string | undefined): string =>
  variant === undefined
    ? ONNX_VARIANTS.fp32
    : ONNX_VARIANTS[variant] ?? variant;

/**
 * The graph files that stand for a variant, in order: the file itself, then
 * the decoder exports Optimum names otherwise — `onnx/decoder_model*.onnx`
 * and the merged `onnx/decoder_model_merged*.onnx` transformers.js repos
 * ship for decoders (same suffix: `_quantized`, `_fp16`, ...).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { graphCandidates } from "./resolve.ts";
 * assert.deepEqual(graphCandidates("onnx/model_quantized.onnx"), [
 *   "onnx/model_quantized.onnx",
 *   "onnx/decoder_model_quantized.onnx",
 *   "onnx/decoder_model_merged_quantized.onnx",
 * ]);
 * ```
 */
export const graphCandidates = (file: string): string[] => {
  const m = /^onnx\/model(_[A-Za-z0-9]+)?\.onnx$/.exec(file);
  if (m === null) return [file];
  const suffix = m[1] ?? "";
  return [
    file,
    `onnx/decoder_model${suffix}.onnx`,
    `onnx/decoder_model_merged${suffix}.onnx`,
  ];
};

/** The files a tokenizer is read from; only `tokenizer.json` is required. */
export const TOKENIZER_FILES = {
  needed: ["tokenizer.json"],
  optional: ["tokenizer_config.json", "special_tokens_map.json"],
} as const;

/** The sentence-transformers files a folder may hold. */
export const ST_FILES = [
  "modules.json",
  "config_sentence_transformers.json",
  "sentence_bert_config.json",
] as const;

/** How a model reference reads. */
export type ModelRefKind = "path" | "id" | "hub";

// A plain id becomes a path under the models folder: nothing that climbs out.
const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

const HUB_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*\/[A-Za-z0-9][A-Za-z0-9._-]*(@.+)?$/;

/**
 * A reference is a folder path (`/abs`, `./rel`, `../rel`, `~/…`), a plain
 * id under the models folder, or a hub id `org/name[@revision]`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { refKind } from "./resolve.ts";
 * assert.equal(refKind("./my-model"), "path");
 * assert.equal(refKind("bert-base-uncased"), "id");
 * assert.equal(refKind("BAAI/bge-small-en-v1.5@main"), "hub");
 * ```
 */
export const refKind = (ref: string): ModelRefKind =>
  /^(\/|\.\.?\/|~\/|\.$|\.\.$)/.test(ref) || isAbsolute(ref)
    ? "path"
    : HUB_ID.test(ref)
    ? "hub"
    : "id";

/** A path reference as a folder: relative to where the task was started. */
export const pathRefFolder = (ref: string): string =>
  ref.startsWith("~/")
    ? `${Deno.env.get("HOME") ?? "."}${ref.slice(1)}`
    : resolve(Deno.env.get("INIT_CWD") ?? Deno.cwd(), ref);

const isFile = (path: string) => {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
};

const missing = (model: string, path: string, hint: string) =>
  new MissingModelFiles({ model, path, hint });

const hubFailure = (model: string, path: string) => (e: HubError) =>
  missing(
    model,
    path,
    `Fetching it from the Hugging Face hub failed: ${e.message}`,
  );

// The external-data files of a graph, by the exporters' naming:
// `model.onnx_data`, `model.onnx.data`, `model.onnx_data_1`, ...
const isExternalDataOf = (graph: string) => (file: string) =>
  file !== graph &&
  (file.startsWith(`${graph}_data`) || file.startsWith(`${graph}.data`));

/** What to resolve: required files, and files taken when the model has them. */
export interface ModelFiles {
  /** Files that must be present (paths in the model folder). */
  readonly needed: ReadonlyArray<string>;
  /** Files fetched when present, not required. */
  readonly optional?: ReadonlyArray<string>;
  /** ONNX graphs among `needed`: their external-data files come too. */
  readonly graphs?: ReadonlyArray<string>;
  /** Also the sentence-transformers module folders `modules.json` names. */
  readonly stModules?: boolean;
}

const localFolder = (
  paths: Paths["Service"],
  model: string,
  first: string,
): string =>
  refKind(model) === "path"
    ? pathRefFolder(model)
    : modelFolder(paths, model, first);

/**
 * The local folder holding `files` of `model`: the folder itself for a
 * path, `<models>/<id>` (or the fixtures') for an id found there, else, for
 * a hub id, its snapshot folder in the Hugging Face cache, downloaded
 * through `src/hub` (`HF_ENDPOINT`, `HF_TOKEN`, `HF_HUB_OFFLINE`) — each
 * file once, then served from the cache with no request.
 */
export const resolveModelFiles: (
  model: string,
  files: ModelFiles,
) => Effect.Effect<string, MissingModelFiles, Paths> = Effect.fn(
  "resolveModelFiles",
)(function* (
  model: string,
  files: ModelFiles,
) {
  const paths = yield* Paths;
  if (
    refKind(model) === "id" && (!SAFE_ID.test(model) || model.includes(".."))
  ) {
    return yield* missing(
      model,
      `${paths.models}/${model}`,
      "A model is a folder path (./dir, /dir), a folder name under the models folder, or a hub id such as org/name[@revision].",
    );
  }
  const first = files.needed[0] ?? "config.json";
  const folder = localFolder(paths, model, first);
  const kind = refKind(model);
  const local = files.needed.every((f) => isFile(`${folder}/${f}`));
  if (local || kind !== "hub") {
    const absent = files.needed.find((f) => !isFile(`${folder}/${f}`));
    if (absent !== undefined) {
      return yield* missing(
        model,
        `${folder}/${absent}`,
        kind === "path"
          ? "The model folder lacks this file."
          : "Put the model folder under SENTEMB_MODELS, or name a hub id such as org/name.",
      );
    }
    return folder;
  }
  return yield* downloadModelFiles(model, files);
});

const hubClient = Effect.map(
  Effect.serviceOption(HubClient),
  (o) => Option.getOrElse(o, () => hubConfigFromEnv()),
);

const downloadModelFiles = (model: string, files: ModelFiles) =>
  Effect.gen(function* () {
    const config = yield* hubClient;
    const get = (path: string) =>
      hubFile(model, path).pipe(
        Effect.provideService(HubClient, config),
        Effect.mapError(hubFailure(model, path)),
      );
    let snapshot = "";
    for (const f of files.needed) {
      const local = yield* get(f);
      snapshot = local.slice(0, local.length - f.length - 1);
    }
    const wantsListing = (files.optional?.length ?? 0) > 0 ||
      (files.graphs?.length ?? 0) > 0 || files.stModules;
    if (!wantsListing) return snapshot;
    const listing = yield* hubListFiles(model).pipe(
      Effect.provideService(HubClient, config),
      Effect.mapError(hubFailure(model, "(file list)")),
    );
    const present = new Set(listing.files);
    const extra = [
      ...(files.optional ?? []).filter((f) => present.has(f)),
      ...(files.graphs ?? []).flatMap((g) =>
        listing.files.filter(isExternalDataOf(g))
      ),
    ];
    if (files.stModules && present.has("modules.json")) {
      const modules = JSON.parse(
        readFileSync(yield* get("modules.json"), "utf8"),
      ) as Array<{ readonly type: string; readonly path: string }>;
      for (const m of modules) {
        if (m.path === "" || m.type.endsWith(".Transformer")) continue;
        extra.push(...listing.files.filter((f) => f.startsWith(`${m.path}/`)));
      }
    }
    for (const f of extra) {
      const local = yield* get(f);
      if (snapshot === "") snapshot = local.slice(0, -f.length - 1);
    }
    return snapshot;
  });

/**
 * Where `needed` of `model` is on this host now, with no download: the
 * folder of a path, `<models>/<id>` (or the fixtures'), or a hub id's
 * snapshot in the Hugging Face cache; else the models-folder path.
 */
export const localModelFolder = (
  paths: Paths["Service"],
  model: string,
  needed = "config.json",
): string => {
  const folder = localFolder(paths, model, needed);
  if (refKind(model) !== "hub" || isFile(`${folder}/${needed}`)) return folder;
  const at = model.indexOf("@");
  const repo = at < 0 ? model : model.slice(0, at);
  const revision = at < 0 ? "main" : model.slice(at + 1);
  const root = `${hubConfigFromEnv().cacheDir}/models--${
    repo.replace("/", "--")
  }`;
  try {
    const commit = /^[0-9a-f]{40}$/.test(revision)
      ? revision
      : readFileSync(`${root}/refs/${revision}`, "utf8").trim();
    const snapshot = `${root}/snapshots/${commit}`;
    return isFile(`${snapshot}/${needed}`) ? snapshot : folder;
  } catch {
    return folder;
  }
};

/** The folder of a model's `config.json` (and, for a hub id, its tokenizer files). */
export const resolveConfigFolder = (model: string) =>
  resolveModelFiles(model, { needed: ["config.json"] });

/** A model's config.json, parsed. */
export const readConfigJson: (
  model: string,
) => Effect.Effect<Record<string, unknown>, MissingModelFiles, Paths> = Effect
  .fn("readConfigJson")(function* (
    model: string,
  ) {
    const folder = yield* resolveConfigFolder(model);
    return yield* Effect.try({
      try: () =>
        JSON.parse(readFileSync(`${folder}/config.json`, "utf8")) as Record<
          string,
          unknown
        >,
      catch: (e) =>
        missing(
          model,
          `${folder}/config.json`,
          `It is not JSON: ${(e as Error).message}`,
        ),
    });
  });

/** Whether a path names an existing file (exported for the loaders). */
export const fileExists = (path: string): boolean => existsSync(path);

/**
 * The graph `model` runs for variant file `file`: the first of
 * {@link graphCandidates} the folder (or, for a hub id, its cached snapshot
 * or else its file list) has, so a decoder repo with only
 * `onnx/decoder_model_merged.onnx` runs that; `file` itself when none is
 * found (the loader then names what is missing).
 */
export const pickGraphFile: (
  model: string,
  file: string,
) => Effect.Effect<string, never, Paths> = Effect.fn("pickGraphFile")(
  function* (model: string, file: string) {
    const candidates = graphCandidates(file);
    if (candidates.length === 1) return file;
    const paths = yield* Paths;
    const folder = localModelFolder(paths, model);
    const local = candidates.find((f) => isFile(`${folder}/${f}`));
    if (local !== undefined || refKind(model) !== "hub") return local ?? file;
    const config = yield* hubClient;
    const listing = yield* hubListFiles(model).pipe(
      Effect.provideService(HubClient, config),
      Effect.option,
    );
    if (Option.isNone(listing)) return file;
    const present = new Set(listing.value.files);
    return candidates.find((f) => present.has(f)) ?? file;
  },
);
