import type * as Arrow from "apache-arrow";
import type * as ParquetWasm from "parquet-wasm";
import { arrowBatch, type VectorColumn } from "./arrow_batch.ts";
import { writerSink } from "./sink.ts";
import { BatchShape, type Dtype, type EmbeddingWriter } from "./writer.ts";
import type { RowData, WriteSummary, WrittenRecord } from "./writer.ts";

/** Options of the Parquet writer. */
export interface ParquetWriterOptions {
  /** Add a `text` column. Default false. */
  readonly includeText?: boolean;
  /** Rows per row group, the writer's memory bound. Default 8,192. */
  readonly rowGroupRows?: number;
  /** Page compression. Default "snappy". */
  readonly compression?: "snappy" | "zstd" | "none";
  /** Key-value metadata for the file footer (the pipeline, its hash...). */
  readonly metadata?: Readonly<Record<string, string>>;
  /** Row length for an empty output (else learnt from the first batch). */
  readonly dim?: number;
  /** Element type for an empty output. Default float32. */
  readonly dtype?: Dtype;
}

type Libraries = { arrow: typeof Arrow; pq: typeof ParquetWasm };

// Loaded on first use: parquet-wasm compiles 5 MB of WebAssembly on import.
const load = async (): Promise<Libraries> => ({
  arrow: await import("apache-arrow"),
  pq: await import("parquet-wasm"),
});

/** One batch as an Arrow table: id, text (optional), vector. */
const batchTable = (
  arrow: typeof Arrow,
  includeText: boolean,
  records: ReadonlyArray<WrittenRecord>,
  vector: VectorColumn,
): Arrow.Table =>
  arrowBatch(arrow, [
    { name: "id", values: records.map((r) => r.id) },
    ...(includeText
      ? [{ name: "text", values: records.map((r) => r.text) }]
      : []),
  ], vector);

const emptyRows = (dtype: Dtype): RowData =>
  dtype === "float32"
    ? new Float32Array(0)
    : dtype === "int8"
    ? new Int8Array(0)
    : new Uint8Array(0);

/**
 * A Parquet file with columns `id` (utf8), `text` (utf8, with `includeText`)
 * and `vector` (FixedSizeList<float32 | int8 | uint8>), through apache-arrow
 * and parquet-wasm. Batches stream into parquet-wasm's writer, which flushes a
 * row group to the file every `rowGroupRows` rows: memory is bounded by one
 * row group (its encoded pages, in WebAssembly memory, which keeps its peak
 * size) plus one batch in flight.
 */
export const parquetWriter = async (
  path: string,
  options: ParquetWriterOptions = {},
): Promise<EmbeddingWriter> => {
  const { arrow, pq } = await load();
  const includeText = options.includeText ?? false;
  const shape = new BatchShape(options.dim, options.dtype);
  const properties = () => {
    const compression = {
      snappy: pq.Compression.SNAPPY,
      zstd: pq.Compression.ZSTD,
      none: pq.Compression.UNCOMPRESSED,
    }[options.compression ?? "snappy"];
    let builder = new pq.WriterPropertiesBuilder()
      .setCompression(compression)
      .setMaxRowGroupSize(options.rowGroupRows ?? 8192)
      .setCreatedBy("sentemb");
    if (options.metadata) {
      builder = builder.setKeyValueMetadata(
        new Map(Object.entries(options.metadata)),
      );
    }
    return builder.build();
  };
  const file = await Deno.open(path, {
    write: true,
    create: true,
    truncate: true,
  });
  const batches = new TransformStream<ParquetWasm.RecordBatch>(
    undefined,
    { highWaterMark: 1 },
    { highWaterMark: 1 },
  );
  const input = batches.writable.getWriter();
  let written: Promise<void> | undefined;

  const toWasm = (table: Arrow.Table): ParquetWasm.RecordBatch[] => {
    const wasmTable = pq.Table.fromIPCStream(arrow.tableToIPC(table, "stream"));
    const out = wasmTable.recordBatches();
    wasmTable.free();
    return out;
  };

  return {
    write: async (records, embeddings) => {
      shape.accept(records, embeddings);
      if (records.length === 0) return;
      const table = batchTable(arrow, includeText, records, {
        dim: shape.dim,
        dtype: shape.dtype,
        data: embeddings.data,
      });
      for (const batch of toWasm(table)) {
        await input.ready;
        const sent = input.write(batch);
        if (written === undefined) {
          // parquet-wasm reads the schema off the first batch before it
          // hands back its output stream.
          written = pq.transformParquetStream(batches.readable, properties())
            .then((out: ReadableStream<Uint8Array>) =>
              out.pipeTo(file.writable)
            );
        }
        await sent;
      }
      shape.count += records.length;
    },
    close: async (): Promise<WriteSummary> => {
      if (written === undefined) {
        // No batch came: parquet-wasm writes a whole (empty) table at once.
        const empty = batchTable(arrow, includeText, [], {
          dim: shape.dim,
          dtype: shape.dtype,
          data: emptyRows(shape.dtype),
        });
        const bytes = pq.writeParquet(
          pq.Table.fromIPCStream(arrow.tableToIPC(empty, "stream")),
          properties(),
        );
        await input.close();
        try {
          await writerSink(file, path).write(bytes);
        } finally {
          file.close();
        }
      } else {
        await input.close();
        await written;
      }
      return {
        count: shape.count,
        dim: shape.dim,
        dtype: shape.dtype,
        files: [path],
      };
    },
  };
};
