import { Effect } from "effect";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { basename, dirname, relative, resolve } from "node:path";
import { MissingModelFiles } from "../errors.ts";
import { readCachedMeta, writeJsonAtomic } from "./cached_meta.ts";
import {
  cacheDir,
  sha256Hex,
  writeAtomic,
  writeCache,
  writeCacheHint,
} from "./cache_dir.ts";
import { collectGarbage } from "./collect_garbage.ts";
import { decodeModel, type ModelProto } from "./proto.ts";
import { writeModelFile } from "./write_model.ts";
import { OnnxParseError } from "./rewrite/errors.ts";

/** A graph derived from a source ONNX file, and its description. */
export interface Derivation<M> {
  readonly graph: ModelProto;
  readonly meta: M;
  /** Files written beside the graph (its own external data), by name. */
  readonly files?: ReadonlyArray<
    { readonly name: string; readonly bytes: Uint8Array }
  >;
}

/** Makes a derived graph from the parsed source and the path it will have. */
export type Derive<M, E> = (
  model: ModelProto,
  source: string,
  out: string,
) => Effect.Effect<Derivation<M>, E>;

/** External-data files (`model.onnx_data`, ...) a graph's initializers name. */
export const externalFiles = (model: ModelProto): string[] => {
  const files = new Set<string>();
  for (const t of model.graph?.initializer ?? []) {
    for (const e of t.externalData ?? []) {
      if (e.key === "location" && e.value) files.add(e.value);
    }
  }
  return [...files];
};

/**
 * A graph derived from an ONNX file (the hidden-state rewrite, the Token
 * Prepending rewrite), made once: cached under `<cache>/<kind>/<key>/`
 * (described in `metaName` there) by
 * the SHA-256 of the source bytes and `tag` (what else the derivation
 * depends on), with a pointer keyed by path, size and mtime so an
 * unchanged file is not hashed again. External weights are never loaded:
 * the derived graph keeps its references and the cache folder links each
 * file back to the source folder. `derive` gets the parsed source and the
 * path the derived graph will have.
 */
export const derivedGraph = <M extends { readonly path: string }, E>(
  source: string,
  kind: string,
  metaName: string,
  tag: string,
  derive: Derive<M, E>,
) =>
  Effect.gen(function* () {
    const path = resolve(source);
    if (!existsSync(path)) {
      return yield* new MissingModelFiles({
        model: basename(dirname(dirname(path))) || path,
        path,
        hint:
          "The ONNX file is not there: export the model or build a fixture.",
      });
    }
    // Hashing a 440 MB file costs seconds: the stat-keyed pointer skips it.
    const stat = yield* Effect.promise(() => Deno.stat(path));
    const statKey = yield* Effect.promise(() =>
      sha256Hex(`${tag}:${path}:${stat.size}:${stat.mtime?.getTime()}`)
    );
    const root = cacheDir();
    const pointer = `${root}/${kind}/by-stat/${statKey.slice(0, 16)}.json`;
    // Paths inside the cache are stored relative to it: a copied cache works.
    const writePointer = (meta: string) =>
      writeCacheHint(() =>
        writeJsonAtomic(pointer, { meta: relative(root, meta) })
      );
    const known = yield* readCachedMeta<M>(pointer, root);
    if (known !== undefined) return known;
    // The source's bytes (and the parsed model viewing them) live only in
    // `deriveOnce`: once it returns they are garbage, collected before the
    // caller opens a session on the graph (else the process held both).
    const made = yield* deriveOnce(path, root, kind, metaName, tag, derive);
    yield* Effect.promise(collectGarbage);
    yield* writePointer(made.metaPath);
    return made.meta;
  });

// Deno.readFile peaked at twice the file's size (a read buffer, then its
// copy); this reads into one array of the file's size.
const readFileOnce = async (path: string): Promise<Uint8Array> => {
  const file = await Deno.open(path);
  try {
    const out = new Uint8Array((await file.stat()).size);
    let at = 0;
    while (at < out.length) {
      const n = await file.read(out.subarray(at));
      if (n === null) throw new Error(`${path} ended at byte ${at}`);
      at += n;
    }
    return out;
  } finally {
    file.close();
  }
};

// Hex SHA-256 of bytes without WebCrypto's copy of its input (440 MB here).
const sha256File = (bytes: Uint8Array): string =>
  createHash("sha256").update(bytes).digest("hex");

const deriveOnce = <M extends { readonly path: string }, E>(
  path: string,
  root: string,
  kind: string,
  metaName: string,
  tag: string,
  derive: Derive<M, E>,
) =>
  Effect.gen(function* () {
    const bytes = yield* Effect.tryPromise({
      try: () => readFileOnce(path),
      catch: (e) => new OnnxParseError({ path, reason: String(e) }),
    });
    const digest = sha256File(bytes);
    const key = (yield* Effect.promise(() => sha256Hex(`${tag}:${digest}`)))
      .slice(0, 16);
    const dir = `${root}/${kind}/${key}`;
    const metaPath = `${dir}/${metaName}`;
    const cached = yield* readCachedMeta<M>(metaPath, root);
    if (cached !== undefined) return { meta: cached, metaPath };
    const model = yield* Effect.try({
      try: () => decodeModel(bytes),
      catch: (e) => new OnnxParseError({ path, reason: String(e) }),
    });
    const out = `${dir}/${basename(path)}`;
    const { graph, meta, files = [] } = yield* derive(model, path, out);
    yield* writeCache(out, async () => {
      await Deno.mkdir(dir, { recursive: true });
      for (const f of files) await writeAtomic(`${dir}/${f.name}`, f.bytes);
      const tmp = `${out}.${crypto.randomUUID()}.tmp`;
      await writeModelFile(tmp, graph);
      await Deno.rename(tmp, out);
      for (const file of externalFiles(model)) {
        const link = `${dir}/${file}`;
        if (!existsSync(link)) {
          // A hard link where it can be (onnxruntime ≥ 1.2x refuses external
          // data a symlink resolves to outside the model's folder), else a
          // symlink. Deno needs full read/write permission to link; without
          // it the graph is still written (it parses, it cannot run).
          const target = `${dirname(path)}/${file}`;
          await Deno.link(target, link).catch(() => Deno.symlink(target, link))
            .catch(() => undefined);
        }
      }
      await writeJsonAtomic(metaPath, {
        ...meta,
        path: relative(root, meta.path),
      });
    });
    return { meta, metaPath };
  });
