import type * as LanceDb from "@lancedb/lancedb";
import type { Provenance } from "./sidecar.ts";
import {
  BatchShape,
  type EmbeddingWriter,
  type WriteSummary,
} from "./writer.ts";

/**
 * A LanceDB table as an embedding sink (`deno task embed --to
 * lancedb://PATH/TABLE`): each batch is upserted by id (`merge_insert`), so
 * re-running an ingest updates rows instead of adding duplicates. Columns:
 * `id`, `text` (with `includeText`), `vector` (float32; quantized values as
 * numbers), `pipeline` and `hash` (the pipeline's version). Memory: one batch.
 */

/** Where a `lancedb://PATH/TABLE` reference points. */
export interface LanceTarget {
  /** The database folder. */
  readonly db: string;
  readonly table: string;
}

/**
 * Reads `lancedb://PATH/TABLE` (the prefix optional): the last path part is
 * the table; undefined when there is no table part.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseLanceTarget } from "./write_lancedb.ts";
 *
 * assert.deepEqual(parseLanceTarget("lancedb://data/vectors/docs"), { db: "data/vectors", table: "docs" });
 * assert.equal(parseLanceTarget("lancedb://docs"), undefined);
 * ```
 */
export const parseLanceTarget = (ref: string): LanceTarget | undefined => {
  const path = ref.replace(/^lancedb:\/\//, "").replace(/\/+$/, "");
  const cut = path.lastIndexOf("/");
  if (cut <= 0 || cut === path.length - 1) return undefined;
  return { db: path.slice(0, cut), table: path.slice(cut + 1) };
};

/** Options of the LanceDB writer. */
export interface LanceWriterOptions {
  readonly provenance: Provenance;
  /** Add a `text` column. Default false. */
  readonly includeText?: boolean;
  /**
   * The columns a row is upserted by. Default `["id"]`; the queue workers
   * key by `["id", "hash"]` (one row per sentence and pipeline version).
   */
  readonly on?: ReadonlyArray<string>;
}

// Loaded on first use: a native addon, needed only by this sink.
const load = (): Promise<typeof LanceDb> => import("@lancedb/lancedb");

/** Opens the table when it exists, else nothing (it is made from the first batch). */
export const openLanceTable = async (
  target: LanceTarget,
): Promise<LanceDb.Table | undefined> => {
  const lancedb = await load();
  const db = await lancedb.connect(target.db);
  const names = await db.tableNames();
  return names.includes(target.table)
    ? await db.openTable(target.table)
    : undefined;
};

/** The upserting writer of `target`. */
export const lanceWriter = async (
  target: LanceTarget,
  options: LanceWriterOptions,
): Promise<EmbeddingWriter> => {
  const lancedb = await load();
  const db = await lancedb.connect(target.db);
  const shape = new BatchShape();
  let table: LanceDb.Table | undefined =
    (await db.tableNames()).includes(target.table)
      ? await db.openTable(target.table)
      : undefined;
  return {
    write: async (records, embeddings) => {
      shape.accept(records, embeddings);
      const { dim, data } = embeddings;
      const rows = records.map((r, i) => ({
        id: r.id,
        ...(options.includeText ? { text: r.text } : {}),
        vector: Array.from(data.subarray(i * dim, (i + 1) * dim)),
        pipeline: options.provenance.pipeline,
        hash: options.provenance.hash,
      }));
      const upsert = (t: LanceDb.Table) =>
        t.mergeInsert([...(options.on ?? ["id"])]).whenMatchedUpdateAll()
          .whenNotMatchedInsertAll().execute(rows);
      if (table === undefined) {
        try {
          table = await db.createTable(target.table, rows);
        } catch (e) {
          // Another writer (a queue worker) made it first: upsert into it.
          if (!(await db.tableNames()).includes(target.table)) throw e;
          table = await db.openTable(target.table);
          await upsert(table);
        }
      } else {
        await upsert(table);
      }
      shape.count += records.length;
    },
    close: (): Promise<WriteSummary> => {
      table?.close();
      db.close();
      return Promise.resolve({
        count: shape.count,
        dim: shape.dim,
        dtype: shape.dtype,
        files: [`${target.db}/${target.table}.lance`],
      });
    },
  };
};
