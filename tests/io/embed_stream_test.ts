import "../temp_cache.ts";
import assert from "node:assert/strict";
import { embedStream } from "../../src/io/embed_stream.ts";
import { countBytes } from "../../src/io/progress.ts";
import { readJsonl } from "../../src/io/read_jsonl.ts";
import { readText } from "../../src/io/read_text.ts";
import type { EmbeddingWriter, WrittenRecord } from "../../src/io/writer.ts";
import { streamOf } from "./_helpers.ts";

/** A writer that remembers what it got. */
const memoryWriter = () => {
  const rows: Array<{ id: string; value: number }> = [];
  const batches: number[] = [];
  let closed = false;
  const writer: EmbeddingWriter = {
    write: (records: ReadonlyArray<WrittenRecord>, e) => {
      batches.push(records.length);
      records.forEach((r, i) =>
        rows.push({ id: r.id, value: e.data[i * e.dim] })
      );
      return Promise.resolve();
    },
    close: () => {
      closed = true;
      return Promise.resolve({
        count: rows.length,
        dim: 1,
        dtype: "float32",
        files: [],
      });
    },
  };
  return { writer, rows, batches, closed: () => closed };
};

/** A fake embedder: each text's length, as a 1-dim row. */
const embedBatch = (texts: string[]) =>
  Promise.resolve({
    rows: texts.length,
    dim: 1,
    data: Float32Array.from(texts, (t) => t.length),
  });

Deno.test("embedStream keeps ids with their rows across batches, reports progress", async () => {
  const lines = Array.from(
    { length: 50 },
    (_, i) => i % 7 === 3 ? "" : "x".repeat(i + 1),
  );
  const text = lines.join("\n") + "\n";
  let bytes = 0;
  const updates: Array<[number, number]> = [];
  const m = memoryWriter();
  const { summary, stats } = await embedStream({
    reader: readText(countBytes(streamOf(text), (n) => bytes = n)),
    embedBatch,
    writer: m.writer,
    countTokens: (t) => t.length,
    maxTokens: 100,
    maxRows: 8,
    progress: { update: (r, b) => updates.push([r, b]), finish: () => {} },
    bytesRead: () => bytes,
  });
  const kept = lines.flatMap((l, i) =>
    l === "" ? [] : [{ id: String(i + 1), value: l.length }]
  );
  assert.deepEqual(m.rows, kept);
  assert.equal(summary.count, kept.length);
  assert.equal(stats.blank, 50 - kept.length);
  assert.ok(m.batches.every((n) => n <= 8));
  assert.equal(updates.at(-1)![0], kept.length);
  assert.equal(updates.at(-1)![1], new TextEncoder().encode(text).length);
});

Deno.test("embedStream closes the writer when reading fails, and rethrows", async () => {
  const m = memoryWriter();
  await assert.rejects(
    embedStream({
      reader: readJsonl(streamOf('{"text": "a"}\n{"text": "b"}\nnot json\n')),
      embedBatch,
      writer: m.writer,
      countTokens: () => 1,
      maxTokens: 100,
      maxRows: 1,
    }),
    /line 3: not valid JSON/,
  );
  assert.ok(m.closed());
  assert.deepEqual(m.rows.map((r) => r.id), ["1", "2"]);
});
