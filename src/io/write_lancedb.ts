import type * as Arrow from "apache-arrow";
import { createRequire } from "node:module";
import type * as LanceDb from "@lancedb/lancedb";
import { arrowBatch } from "./arrow_batch.ts";
import type { Provenance } from "./sidecar.ts";
import {
  BatchShape,
  type EmbeddingWriter,
  type RowData,
  type WriteSummary,
  type WrittenRecord,
} from "./writer.ts";

/**
 * A LanceDB table as an embedding sink (`deno task embed --to
 * lancedb://PATH/TABLE`): each batch is upserted by id (`merge_insert`), so
 * re-running an ingest updates rows instead of adding duplicates. Columns:
 * `id`, `text` (with `includeText`), `vector` (float32; quantized values as
 * numbers), `pipeline` and `hash` (the pipeline's version). An id repeated
 * within the input keeps its last row, as successive upserts would.
 *
 * Memory: `merge_insert` joins each batch against the whole table in
 * LanceDB's native memory, which grows with the table (1.07 GiB at 200,000
 * 2048-d rows). A table this writer creates itself as the `soleWriter`
 * cannot hold a row it did not write, so there a batch whose ids this run
 * has not written yet is appended (`add`) instead, and the run's memory is
 * one batch plus its set of ids. Writers that share a table (queue workers,
 * redeliveries) must not set `soleWriter`.
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
   * No other process writes the table while this writer runs (the CLI's
   * `embed --to`): a table it creates takes appends (see above).
   */
  readonly soleWriter?: boolean;
  /**
   * The columns a row is upserted by. Default `["id"]`; the queue workers
   * key by `["id", "hash"]` (one row per sentence and pipeline version).
   */
  readonly on?: ReadonlyArray<string>;
}

/**
 * apache-arrow as LanceDB's CommonJS build requires it. An ESM import is
 * another module instance, whose tables LanceDB does not recognise
 * (`instanceof`) and serialises wrongly; the same package required the
 * CommonJS way is the instance LanceDB holds (Node's require cache).
 */
const lanceArrow = (): typeof Arrow =>
  createRequire(import.meta.url)("apache-arrow");

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

/** Positions of the records to write: the last of each id, in order. */
const lastOfEachId = (records: ReadonlyArray<WrittenRecord>): number[] => {
  const last = new Map<string, number>();
  records.forEach((r, i) => last.set(r.id, i));
  return last.size === records.length
    ? records.map((_, i) => i)
    : [...last.values()].sort((a, b) => a - b);
};

/** The rows `kept` of `data`, packed. */
const gatherRows = (
  data: RowData,
  dim: number,
  kept: ReadonlyArray<number>,
): RowData => {
  const out = new (data.constructor as new (n: number) => RowData)(
    kept.length * dim,
  );
  kept.forEach((i, k) =>
    out.set(data.subarray(i * dim, (i + 1) * dim), k * dim)
  );
  return out;
};

/** The upserting writer of `target`. */
export const lanceWriter = async (
  target: LanceTarget,
  options: LanceWriterOptions,
): Promise<EmbeddingWriter> => {
  const lancedb = await load();
  const arrow = lanceArrow();
  const db = await lancedb.connect(target.db);
  const shape = new BatchShape();
  let table: LanceDb.Table | undefined =
    (await db.tableNames()).includes(target.table)
      ? await db.openTable(target.table)
      : undefined;
  // The ids written so far, when this run made the table as its sole writer.
  const written = table === undefined && options.soleWriter === true
    ? new Set<string>()
    : undefined;
  const store = async (ids: ReadonlyArray<string>, batch: Arrow.Table) => {
    const upsert = (t: LanceDb.Table) =>
      t.mergeInsert([...(options.on ?? ["id"])]).whenMatchedUpdateAll()
        .whenNotMatchedInsertAll().execute(batch);
    if (table === undefined && written !== undefined) {
      // The sole writer makes the table from its first batch.
      table = await db.createTable(target.table, batch);
    } else if (table === undefined) {
      // Writers that share the table (queue workers) may race to make it: it
      // is made empty, from the batch's schema (a create that loses the race
      // is ignored, and no rows ride on it), then every batch is upserted.
      try {
        table = await db.createEmptyTable(target.table, batch.schema, {
          mode: "create",
          existOk: true,
        });
      } catch (e) {
        if (!(await db.tableNames()).includes(target.table)) throw e;
        table = await db.openTable(target.table);
      }
      await upsert(table);
    } else if (written !== undefined && ids.every((id) => !written.has(id))) {
      await table.add(batch);
    } else {
      await upsert(table);
    }
    for (const id of ids) written?.add(id);
  };
  return {
    write: async (records, embeddings) => {
      shape.accept(records, embeddings);
      if (records.length === 0) return;
      const kept = lastOfEachId(records);
      const { dim } = embeddings;
      const data = kept.length === records.length
        ? embeddings.data
        : gatherRows(embeddings.data, dim, kept);
      const ids = kept.map((i) => records[i].id);
      const constant = (v: string) => kept.map(() => v);
      await store(
        ids,
        arrowBatch(
          arrow,
          [
            { name: "id", values: ids },
            ...(options.includeText
              ? [{ name: "text", values: kept.map((i) => records[i].text) }]
              : []),
            { name: "pipeline", values: constant(options.provenance.pipeline) },
            { name: "hash", values: constant(options.provenance.hash) },
          ],
          { dim, dtype: shape.dtype, data },
          true,
        ),
      );
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
