/**
 * The streaming input/output layer of `deno task embed`: incremental readers
 * (plain text, JSONL, CSV/TSV) with input hygiene, batching by tokens,
 * writers that write each batch as it is done (JSONL, .npy, raw .f32,
 * Parquet), broken-pipe handling and progress on stderr.
 *
 * @module
 */

export * from "./errors.ts";
export * from "./record.ts";
export { type RawLine, splitLines, type SplitOptions } from "./lines.ts";
export { decodeUtf8 } from "./decode.ts";
export { type CapContext, capText, lineLimitFor } from "./char_cap.ts";
export { readText } from "./read_text.ts";
export { type JsonlOptions, readJsonl } from "./read_jsonl.ts";
export { type CsvOptions, readCsv } from "./read_csv.ts";
export {
  formatFromPath,
  type InputFormat,
  type OpenedInput,
  openInput,
  readRecords,
  type RecordsOptions,
} from "./read_records.ts";
export { batchByTokens, type TokenBatchOptions } from "./batch_tokens.ts";
export { formatFloat32 } from "./float32_format.ts";
export * from "./writer.ts";
export * from "./sink.ts";
export {
  jsonlWriter,
  type JsonlWriterOptions,
  jsonRow,
} from "./write_jsonl.ts";
export { NPY_DESCR, NPY_HEADER_BYTES, npyHeader } from "./npy_header.ts";
export { type BinaryWriterOptions, npyWriter } from "./write_npy.ts";
export { f32Writer } from "./write_f32.ts";
export {
  baseName,
  idsPath,
  type Provenance,
  type Sidecar,
  sidecarPath,
} from "./sidecar.ts";
export { parquetWriter, type ParquetWriterOptions } from "./write_parquet.ts";
export * from "./progress.ts";
export { embedStream, type EmbedStreamOptions } from "./embed_stream.ts";
