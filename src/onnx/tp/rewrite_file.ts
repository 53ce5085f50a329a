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
import { decodeModel, encodeModel } from "../proto.ts";
import { LayersNotFound, OnnxParseError } from "../rewrite/errors.ts";
import { findLayers } from "../rewrite/expose.ts";
import { TokenPrependingUnsupported } from "./errors.ts";
import { type LayerRange, tokenPrependingGraph } from "./graph.ts";

/** Bumped whenever the rewrite's output changes, so stale cached graphs are redone. */
const TP_VERSION = 1;

/** A Token-Prepending graph on disk; load `path` through the forward stage like any model. */
export interface TokenPrependingModel {
  /** The original file. */
  readonly source: string;
  /** The rewritten file (`<cache>/tp/<key>/<name>.onnx`), with a `tp_mask` input. */
  readonly path: string;
  readonly start: number;
  readonly exit: number;
  /** The decoder's layer count L. */
  readonly layers: number;
  /** How the layer inputs were found (`pre-norm`, `skip-norm-chain`). */
  readonly strategy: string;
}

const readMeta = (file: string) => readCachedMeta<TokenPrependingModel>(file);

const writeJson = writeJsonAtomic;

/**
 * Writes (once) the Token-Prepending form of a decoder's ONNX file for the
 * layer range [start, exit), cached under `<cache>/tp/` by the SHA-256 of
 * the source bytes plus the range (a stat-keyed pointer skips re-hashing an
 * unchanged file). External weights stay where they are: the cache folder
 * links them, as the hidden-state rewrite does.
 */
export const tokenPrependingFile = Effect.fn("tokenPrependingFile")(
  function* (source: string, range: LayerRange) {
    const path = resolve(source);
    if (!existsSync(path)) {
      return yield* new MissingModelFiles({
        model: basename(dirname(dirname(path))) || path,
        path,
        hint:
          "The ONNX file is not there: export the model or build a fixture.",
      });
    }
    const tag = `${TP_VERSION}:${range.start}:${range.exit}`;
    const stat = yield* Effect.promise(() => Deno.stat(path));
    const statKey = yield* Effect.promise(() =>
      sha256Hex(`${tag}:${path}:${stat.size}:${stat.mtime?.getTime()}`)
    );
    const pointer = `${cacheDir()}/tp/by-stat/${statKey.slice(0, 16)}.json`;
    const known = yield* readMeta(pointer);
    if (known !== undefined) return known;
    const bytes = yield* Effect.tryPromise({
      try: () => Deno.readFile(path),
      catch: (e) => new OnnxParseError({ path, reason: String(e) }),
    });
    const digest = yield* Effect.promise(() => sha256Hex(bytes));
    const key = (yield* Effect.promise(() => sha256Hex(`${tag}:${digest}`)))
      .slice(0, 16);
    const dir = `${cacheDir()}/tp/${key}`;
    const metaPath = `${dir}/tp.json`;
    const cached = yield* readMeta(metaPath);
    if (cached !== undefined) {
      yield* writeCacheHint(() => writeJson(pointer, { meta: metaPath }));
      return cached;
    }
    const model = yield* Effect.try({
      try: () => decodeModel(bytes),
      catch: (e) => new OnnxParseError({ path, reason: String(e) }),
    });
    const map = findLayers(model);
    if (typeof map === "string") {
      return yield* new LayersNotFound({ path, reason: map });
    }
    const rewritten = tokenPrependingGraph(model, map, range);
    if (typeof rewritten === "string") {
      return yield* new TokenPrependingUnsupported({ path, reason: rewritten });
    }
    const out = `${dir}/${basename(path)}`;
    const meta: TokenPrependingModel = {
      source: path,
      path: out,
      start: range.start,
      exit: range.exit,
      layers: map.layers,
      strategy: map.strategy,
    };
    const external = new Set(
      (model.graph?.initializer ?? []).flatMap((t) =>
        (t.externalData ?? []).flatMap((e) =>
          e.key === "location" && e.value ? [e.value] : []
        )
      ),
    );
    yield* writeCache(out, async () => {
      await Deno.mkdir(dir, { recursive: true });
      await writeAtomic(out, encodeModel(rewritten));
      for (const file of external) {
        const link = `${dir}/${file}`;
        if (!existsSync(link)) {
          // Deno needs full read/write permission to link; without it the
          // graph is still written (it parses, it cannot run).
          await Deno.symlink(`${dirname(path)}/${file}`, link).catch(() =>
            undefined
          );
        }
      }
      await writeJson(metaPath, meta);
      await writeJson(pointer, { meta: metaPath });
    });
    return meta;
  },
);
