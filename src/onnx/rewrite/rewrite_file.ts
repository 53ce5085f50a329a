import { Effect } from "effect";
import { existsSync } from "node:fs";
import { basename, dirname, resolve } from "node:path";
import { MissingModelFiles } from "../../errors.ts";
import { readCachedMeta, writeJsonAtomic } from "../cached_meta.ts";
import {
  cacheDir,
  sha256Hex,
  writeAtomic,
  writeCache,
  writeCacheHint,
} from "../cache_dir.ts";
import { decodeModel, encodeModel, int64, type ModelProto } from "../proto.ts";
import { LayersNotFound, OnnxParseError } from "./errors.ts";
import { exposeHiddenStates, findLayers } from "./expose.ts";
import type { FinalState } from "./layer_map.ts";

/** Bumped whenever the rewrite's output changes, so stale cached graphs are redone. */
const REWRITE_VERSION = 1;

/** A graph input as declared: dims are numbers or symbolic names. */
export interface InputSpec {
  readonly name: string;
  readonly elemType: number;
  readonly dims: ReadonlyArray<number | string>;
}

/** What the forward stage needs to know about a rewritten model, without parsing it again. */
export interface RewrittenModel {
  /** The original file. */
  readonly source: string;
  /** The rewritten file (`<cache>/rewritten/<key>/<name>.onnx`). */
  readonly path: string;
  readonly strategy: string;
  readonly layers: number;
  /** `hidden_states.0 … hidden_states.L`. */
  readonly hiddenStates: ReadonlyArray<string>;
  readonly inputs: ReadonlyArray<InputSpec>;
  /**
   * Source files of external weights (`model.onnx_data`), symlinked beside
   * the rewritten graph when the process may create links (Deno needs full
   * read and write permission for that).
   */
  readonly externalData: ReadonlyArray<string>;
}

const inputSpecs = (model: ModelProto): InputSpec[] => {
  const inits = new Set((model.graph?.initializer ?? []).map((t) => t.name));
  return (model.graph?.input ?? []).filter((v) => !inits.has(v.name)).map((
    v,
  ) => ({
    name: v.name ?? "",
    elemType: v.type?.tensorType?.elemType ?? 0,
    dims: (v.type?.tensorType?.shape?.dim ?? []).map((d) =>
      d.dimParam
        ? d.dimParam
        : d.dimValue !== null && d.dimValue !== undefined
        ? int64(d.dimValue)
        : "?"
    ),
  }));
};

/** Files named by external-data entries (`model.onnx_data`, ...). */
const externalFiles = (model: ModelProto): string[] => {
  const files = new Set<string>();
  for (const t of model.graph?.initializer ?? []) {
    for (const e of t.externalData ?? []) {
      if (e.key === "location" && e.value) files.add(e.value);
    }
  }
  return [...files];
};

/**
 * Rewrites an ONNX file to output every hidden state, once: the result is
 * cached under `<cache>/rewritten/` keyed by the SHA-256 of the source bytes
 * (and the rewrite options). External weights are never loaded: the
 * rewritten graph keeps its references, and the cache folder links each
 * external file back to the source folder so the graph still runs.
 */
export const rewriteModelFile = Effect.fn("rewriteModelFile")(function* (
  source: string,
  options: { readonly final?: FinalState } = {},
) {
  const path = resolve(source);
  if (!existsSync(path)) {
    return yield* new MissingModelFiles({
      model: basename(dirname(dirname(path))) || path,
      path,
      hint: "The ONNX file is not there: export the model or build a fixture.",
    });
  }
  const final = options.final ?? "normed";
  // Hashing a 440 MB file costs seconds: a stat-keyed pointer skips it while
  // the file is unchanged (same path, size and modification time).
  const stat = yield* Effect.promise(() => Deno.stat(path));
  const statKey = yield* Effect.promise(() =>
    sha256Hex(
      `${REWRITE_VERSION}:${final}:${path}:${stat.size}:${stat.mtime?.getTime()}`,
    )
  );
  const pointer = `${cacheDir()}/rewritten/by-stat/${
    statKey.slice(0, 16)
  }.json`;
  const known = yield* readMeta(pointer);
  if (known !== undefined) return known;
  const bytes = yield* Effect.tryPromise({
    try: () => Deno.readFile(path),
    catch: (e) => new OnnxParseError({ path, reason: String(e) }),
  });
  const digest = yield* Effect.promise(() => sha256Hex(bytes));
  const key = (yield* Effect.promise(() =>
    sha256Hex(`${REWRITE_VERSION}:${final}:${digest}`)
  )).slice(0, 16);
  const dir = `${cacheDir()}/rewritten/${key}`;
  const metaPath = `${dir}/rewrite.json`;
  const cached = yield* readMeta(metaPath);
  if (cached !== undefined) {
    yield* writeCacheHint(() =>
      writePointer(pointer, metaPath)
    );
    return cached;
  }
  const model = yield* Effect.try({
    try: () => decodeModel(bytes),
    catch: (e) => new OnnxParseError({ path, reason: String(e) }),
  });
  const map = findLayers(model, final);
  if (typeof map === "string") {
    return yield* new LayersNotFound({
      path,
      reason: map,
    });
  }
  const rewritten = exposeHiddenStates(model, map);
  const out = `${dir}/${basename(path)}`;
  const meta: RewrittenModel = {
    source: path,
    path: out,
    strategy: map.strategy,
    layers: map.layers,
    hiddenStates: map.taps.map((_, k) => `hidden_states.${k}`),
    inputs: inputSpecs(model),
    externalData: externalFiles(model).map((file) =>
      `${dirname(path)}/${file}`
    ),
  };
  yield* writeCache(out, async () => {
    await Deno.mkdir(dir, { recursive: true });
    await writeAtomic(out, encodeModel(rewritten));
    for (const target of meta.externalData) {
      const link = `${dir}/${basename(target)}`;
      if (!existsSync(link)) {
        await Deno.symlink(target, link).catch(() => undefined);
      }
    }
    await writeAtomic(
      metaPath,
      new TextEncoder().encode(JSON.stringify(meta, null, 2)),
    );
  });
  yield* writeCacheHint(() => writePointer(pointer, metaPath));
  return meta;
});

const readMeta = (file: string) => readCachedMeta<RewrittenModel>(file);

const writePointer = (pointer: string, meta: string) =>
  writeJsonAtomic(pointer, { meta });
