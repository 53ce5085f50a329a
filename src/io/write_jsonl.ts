import { formatFloat32 } from "./float32_format.ts";
import type { ByteSink } from "./sink.ts";
import {
  BatchShape,
  type EmbeddingWriter,
  type RowData,
  type WriteSummary,
} from "./writer.ts";

/** Options of the JSONL writer. */
export interface JsonlWriterOptions {
  /** Write each record's text too. Default false. */
  readonly includeText?: boolean;
  /** The file `sink` writes, if any, reported in the summary. */
  readonly path?: string;
}

/**
 * Row `i` of `data` as a JSON array: float32 values as their shortest
 * round-trip decimals, int8/uint8 values as integers.
 */
export const jsonRow = (data: RowData, dim: number, i: number): string => {
  const row = data.subarray(i * dim, (i + 1) * dim);
  const parts = new Array<string>(dim);
  if (row instanceof Float32Array) {
    for (let j = 0; j < dim; j++) {
      const v = row[j];
      if (!Number.isFinite(v)) {
        throw new RangeError(
          `row ${i} has ${v} at ${j}, which JSON cannot hold`,
        );
      }
      parts[j] = formatFloat32(v);
    }
  } else {
    for (let j = 0; j < dim; j++) parts[j] = String(row[j]);
  }
  return `[${parts.join(",")}]`;
};

/**
 * Writes `{"id":..., "text":..., "embedding":[...]}` lines (text only with
 * `includeText`), one write per batch.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { jsonlWriter } from "./write_jsonl.ts";
 *
 * const chunks: Uint8Array[] = [];
 * const sink = { write: async (b: Uint8Array) => void chunks.push(b), close: async () => {} };
 * const writer = jsonlWriter(sink, { includeText: true });
 * await writer.write([{ id: "1", text: "a cat", line: 1 }], {
 *   rows: 1, dim: 2, data: Float32Array.of(0.1, -2),
 * });
 * await writer.close();
 * assert.equal(
 *   new TextDecoder().decode(chunks[0]),
 *   '{"id":"1","text":"a cat","embedding":[0.1,-2]}\n',
 * );
 * ```
 */
export const jsonlWriter = (
  sink: ByteSink,
  options: JsonlWriterOptions = {},
): EmbeddingWriter => {
  const shape = new BatchShape();
  const encoder = new TextEncoder();
  return {
    write: async (records, embeddings) => {
      shape.accept(records, embeddings);
      let out = "";
      for (let i = 0; i < records.length; i++) {
        const r = records[i];
        const text = options.includeText
          ? `"text":${JSON.stringify(r.text)},`
          : "";
        out += `{"id":${JSON.stringify(r.id)},${text}"embedding":${
          jsonRow(embeddings.data, embeddings.dim, i)
        }}\n`;
      }
      await sink.write(encoder.encode(out));
      shape.count += records.length;
    },
    close: async (): Promise<WriteSummary> => {
      await sink.close();
      return {
        count: shape.count,
        dim: shape.dim,
        dtype: shape.dtype,
        files: options.path === undefined ? [] : [options.path],
      };
    },
  };
};
