import { createHash } from "node:crypto";

/**
 * One job of the ingest queue: consecutive input records, the pipeline they
 * are for (its hash, so a worker running another pipeline refuses them) and
 * a content hash over ids and texts, which names the chunk (its state key
 * and its message id, so a re-submit skips it) and lets a worker check the
 * payload it got is the one submitted.
 */
export interface Chunk {
  /** The pipeline's name, as `--pipeline` gave it. */
  readonly pipeline: string;
  /** The pipeline's hash: a worker embeds only chunks of its own. */
  readonly hash: string;
  /** The input it was cut from, and its place there (0-based). */
  readonly source: string;
  readonly seq: number;
  readonly ids: ReadonlyArray<string>;
  readonly texts: ReadonlyArray<string>;
  /** SHA-256 (hex) of the ids and texts. */
  readonly content: string;
}

/** SHA-256 (hex) of ids and texts, in order. */
export const contentOf = (
  ids: ReadonlyArray<string>,
  texts: ReadonlyArray<string>,
): string =>
  createHash("sha256").update(JSON.stringify([ids, texts])).digest("hex");

/**
 * The chunk's key: state key and message id, the same for the same records
 * and pipeline (so a re-submit finds it).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { chunkKey, makeChunk } from "./chunk.ts";
 *
 * const head = { pipeline: "p", hash: "ab12", source: "f", seq: 0 };
 * const c = makeChunk(head, ["1"], ["hi"]);
 * // The same records, cut at another place: the same key.
 * assert.equal(chunkKey(c), chunkKey(makeChunk({ ...head, seq: 7 }, ["1"], ["hi"])));
 * assert.match(chunkKey(c), /^c\.ab12\.[0-9a-f]{32}$/);
 * ```
 */
export const chunkKey = (c: Pick<Chunk, "hash" | "content">): string =>
  `c.${c.hash.replace(/[^A-Za-z0-9_-]/g, "_")}.${c.content.slice(0, 32)}`;

/** A chunk of `ids` and `texts` (same length) with its content hash. */
export const makeChunk = (
  head: Pick<Chunk, "pipeline" | "hash" | "source" | "seq">,
  ids: ReadonlyArray<string>,
  texts: ReadonlyArray<string>,
): Chunk => ({ ...head, ids, texts, content: contentOf(ids, texts) });

/**
 * Reads a chunk message: the chunk as it claims to be (undefined when it is
 * none), and what is wrong with it (ids and texts of different lengths, a
 * payload that does not match its content hash), undefined when nothing is.
 */
export const readChunk = (
  payload: string,
): { readonly chunk?: Chunk; readonly error?: string } => {
  let c: Partial<Chunk>;
  try {
    c = JSON.parse(payload);
  } catch (e) {
    return { error: `not a chunk: ${(e as Error).message}` };
  }
  if (
    typeof c !== "object" || c === null || typeof c.hash !== "string" ||
    typeof c.content !== "string" || !Array.isArray(c.ids) ||
    !Array.isArray(c.texts)
  ) {
    return { error: "not a chunk: it lacks hash, content, ids or texts" };
  }
  const chunk = c as Chunk;
  if (c.ids.length !== c.texts.length) {
    return {
      chunk,
      error:
        `chunk ${c.seq} has ${c.ids.length} ids and ${c.texts.length} texts`,
    };
  }
  const actual = contentOf(c.ids, c.texts);
  if (actual !== c.content) {
    return {
      chunk,
      error: `chunk ${c.seq} of ${c.source}: its records hash to ${
        actual.slice(0, 16)
      }, its content hash says ${
        c.content.slice(0, 16)
      } (corrupted or altered after submit)`,
    };
  }
  return { chunk };
};
