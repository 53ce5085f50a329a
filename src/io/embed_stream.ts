import { batchByTokens } from "./batch_tokens.ts";
import type { Progress } from "./progress.ts";
import type { ReadStats, RecordReader } from "./record.ts";
import type { Embeddings, EmbeddingWriter, WriteSummary } from "./writer.ts";

/** What `embedStream` runs. */
export interface EmbedStreamOptions {
  readonly reader: RecordReader;
  /** Embeds one batch of texts, rows in the same order. */
  readonly embedBatch: (texts: string[]) => Promise<Embeddings>;
  readonly writer: EmbeddingWriter;
  readonly countTokens: (text: string) => number;
  readonly maxTokens: number;
  readonly maxRows: number;
  /** Count batches as padded (rows × longest); see `batchByTokens`. */
  readonly padded?: boolean;
  readonly progress?: Progress;
  /** Input bytes read so far, for the progress (see `countBytes`). */
  readonly bytesRead?: () => number;
}

/**
 * Reads, batches, embeds and writes, one batch at a time, so memory is
 * bounded by a batch whatever the input's size. The writer is closed even
 * when a batch fails (a binary output then holds the rows before it), and the
 * failure is rethrown.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { embedStream } from "./embed_stream.ts";
 * import { readText } from "./read_text.ts";
 * import { jsonlWriter } from "./write_jsonl.ts";
 *
 * let out = "";
 * const sink = {
 *   write: async (b: Uint8Array) => void (out += new TextDecoder().decode(b)),
 *   close: async () => {},
 * };
 * const { summary } = await embedStream({
 *   reader: readText(ReadableStream.from([new TextEncoder().encode("a\n\nbb\n")])),
 *   embedBatch: async (texts) => ({
 *     rows: texts.length, dim: 1, data: Float32Array.from(texts, (t) => t.length),
 *   }),
 *   writer: jsonlWriter(sink),
 *   countTokens: (t) => t.length,
 *   maxTokens: 512,
 *   maxRows: 32,
 * });
 * assert.equal(summary.count, 2);
 * assert.equal(out, '{"id":"1","embedding":[1]}\n{"id":"3","embedding":[2]}\n');
 * ```
 */
export const embedStream = async (
  options: EmbedStreamOptions,
): Promise<{ summary: WriteSummary; stats: ReadStats }> => {
  const { reader, writer, progress } = options;
  let done = 0;
  try {
    for await (
      const batch of batchByTokens(reader.records, {
        countTokens: options.countTokens,
        maxTokens: options.maxTokens,
        maxRows: options.maxRows,
        padded: options.padded ?? false,
      })
    ) {
      const embeddings = await options.embedBatch(batch.map((r) => r.text));
      await writer.write(batch, embeddings);
      done += batch.length;
      progress?.update(done, options.bytesRead?.() ?? 0);
    }
  } catch (e) {
    // The first failure is the one to report, not one from closing after it.
    await writer.close().catch(() => {});
    progress?.finish();
    throw e;
  }
  const summary = await writer.close();
  progress?.finish();
  return { summary, stats: reader.stats };
};
