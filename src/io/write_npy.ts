import { binaryRowsWriter, type BinaryWriterOptions } from "./_binary_rows.ts";
import type { EmbeddingWriter } from "./writer.ts";

export type { BinaryWriterOptions } from "./_binary_rows.ts";

/**
 * A NumPy .npy v1.0 file of shape (count, dim): float32 rows as `<f4`,
 * int8 as `|i1`, uint8 as `|u1`, streamed batch by batch; the header's row
 * count is a placeholder patched on close (the file must be seekable). Beside
 * it: `<path>.json` (`{format, file, dtype, dims, count, pipeline, hash,
 * ids_file}`) and `<path>.ids.txt`. Memory: one batch.
 */
export const npyWriter = (
  path: string,
  options: BinaryWriterOptions,
): Promise<EmbeddingWriter> => binaryRowsWriter(path, "npy", options);
