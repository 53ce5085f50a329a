import { NPY_HEADER_BYTES, npyHeader } from "./npy_header.ts";
import {
  baseName,
  idsPath,
  idsWriter,
  type Provenance,
  sidecarPath,
  writeSidecar,
} from "./sidecar.ts";
import { fileSink, writerSink } from "./sink.ts";
import {
  BatchShape,
  type Dtype,
  type EmbeddingWriter,
  rowBytes,
  type WriteSummary,
} from "./writer.ts";

/** Options of the .npy and raw .f32 writers. */
export interface BinaryWriterOptions {
  /** The pipeline and its hash, for the sidecar. */
  readonly provenance: Provenance;
  /** Write the ids file beside the rows. Default true. */
  readonly ids?: boolean;
  /** Row length to record when nothing is written (else learnt from the first batch). */
  readonly dim?: number;
  /** Element type to record when nothing is written. Default float32. */
  readonly dtype?: Dtype;
}

/**
 * Rows streamed to `path` as they come (an .npy header first, with a
 * placeholder count patched on close), then the sidecar. Memory: one batch.
 * Calling `close` after a failed batch still leaves a consistent file of the
 * rows written before it.
 */
export const binaryRowsWriter = async (
  path: string,
  format: "npy" | "f32",
  options: BinaryWriterOptions,
): Promise<EmbeddingWriter> => {
  const shape = new BatchShape(options.dim, options.dtype);
  const file = await Deno.open(path, {
    write: true,
    create: true,
    truncate: true,
  });
  const rows = writerSink(file, path);
  const withIds = options.ids ?? true;
  const ids = withIds ? idsWriter(await fileSink(idsPath(path))) : undefined;
  if (format === "npy") await rows.write(new Uint8Array(NPY_HEADER_BYTES));
  return {
    write: async (records, embeddings) => {
      shape.accept(records, embeddings);
      await ids?.write(records);
      await rows.write(rowBytes(embeddings.data));
      shape.count += records.length;
    },
    close: async (): Promise<WriteSummary> => {
      try {
        if (format === "npy") {
          await file.seek(0, Deno.SeekMode.Start);
          await rows.write(npyHeader(shape.dtype, [shape.count, shape.dim]));
        }
      } finally {
        file.close();
        await ids?.close();
      }
      const sidecar = sidecarPath(path);
      await writeSidecar(sidecar, {
        format,
        file: baseName(path),
        dtype: shape.dtype,
        dims: shape.dim,
        count: shape.count,
        pipeline: options.provenance.pipeline,
        hash: options.provenance.hash,
        ...(withIds ? { ids_file: baseName(idsPath(path)) } : {}),
      });
      return {
        count: shape.count,
        dim: shape.dim,
        dtype: shape.dtype,
        files: [path, sidecar, ...(withIds ? [idsPath(path)] : [])],
      };
    },
  };
};
