/**
 * What every embedding writer takes and gives back. A writer is handed each
 * batch as soon as it is embedded and writes it out before the next, so its
 * memory is bounded by a batch (parquet: by a row group).
 */

/** Rows of one batch: float32, or int8/uint8 for quantized pipelines. */
export type RowData = Float32Array | Int8Array | Uint8Array;

/** The element type of a batch's rows. */
export type Dtype = "float32" | "int8" | "uint8";

/** One embedded batch, row-major: `data.length === rows * dim`. */
export interface Embeddings {
  readonly rows: number;
  readonly dim: number;
  readonly data: RowData;
}

/** What a writer needs of a record. */
export interface WrittenRecord {
  readonly id: string;
  readonly text: string;
  readonly line: number;
}

/** What a writer wrote. */
export interface WriteSummary {
  readonly count: number;
  /** Row length; 0 when nothing was written and no `dim` was given. */
  readonly dim: number;
  readonly dtype: Dtype;
  /** The files written (none for stdout). */
  readonly files: ReadonlyArray<string>;
}

/** A streaming writer of embeddings. */
export interface EmbeddingWriter {
  /** Writes one batch: `records[i]` goes with row i. */
  write(
    records: ReadonlyArray<WrittenRecord>,
    embeddings: Embeddings,
  ): Promise<void>;
  /** Finishes the output (headers, sidecars) and closes it. */
  close(): Promise<WriteSummary>;
}

/**
 * The dtype of `data`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dtypeOf } from "./writer.ts";
 *
 * assert.equal(dtypeOf(new Int8Array(2)), "int8");
 * ```
 */
export const dtypeOf = (data: RowData): Dtype =>
  data instanceof Float32Array
    ? "float32"
    : data instanceof Int8Array
    ? "int8"
    : "uint8";

/**
 * Keeps a writer's batches consistent: each batch's shape is checked, and
 * all must share the first one's dim and dtype (a mismatch is a bug upstream,
 * so it throws `RangeError`).
 */
export class BatchShape {
  #dim: number | undefined;
  #dtype: Dtype | undefined;
  count = 0;

  constructor(dim?: number, dtype?: Dtype) {
    this.#dim = dim;
    this.#dtype = dtype;
  }

  get dim(): number {
    return this.#dim ?? 0;
  }

  get dtype(): Dtype {
    return this.#dtype ?? "float32";
  }

  /** Checks one batch; the writer adds its rows to `count` once written. */
  accept(records: ReadonlyArray<WrittenRecord>, e: Embeddings): void {
    const dtype = dtypeOf(e.data);
    if (records.length !== e.rows || e.data.length !== e.rows * e.dim) {
      throw new RangeError(
        `a batch of ${records.length} records has ${e.rows} rows of ${e.dim} in ${e.data.length} values`,
      );
    }
    if (this.#dim !== undefined && e.dim !== this.#dim) {
      throw new RangeError(`a batch has dim ${e.dim}, the output ${this.#dim}`);
    }
    if (this.#dtype !== undefined && dtype !== this.#dtype) {
      throw new RangeError(`a batch is ${dtype}, the output ${this.#dtype}`);
    }
    this.#dim = e.dim;
    this.#dtype = dtype;
  }
}

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The bytes of `data` as stored in memory: little-endian, as the outputs are. */
export const rowBytes = (data: RowData): Uint8Array => {
  if (!littleEndian && data.BYTES_PER_ELEMENT > 1) {
    throw new RangeError(
      "binary outputs are written on little-endian hosts only",
    );
  }
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
};
