import { binaryRowsWriter, type BinaryWriterOptions } from "./_binary_rows.ts";
import type { EmbeddingWriter } from "./writer.ts";

/**
 * Raw rows, row-major and little-endian, no header (`.f32`; int8/uint8 rows
 * are written as bytes), streamed batch by batch. Beside it the same sidecar
 * as the .npy writer's, whose `dtype`, `dims` and `count` say how to read it,
 * and the ids file. Memory: one batch.
 */
export const f32Writer = (
  path: string,
  options: BinaryWriterOptions,
): Promise<EmbeddingWriter> => binaryRowsWriter(path, "f32", options);
