import { CsvError, parse } from "csv-parse/stream";
import { capText, lineLimitFor } from "./char_cap.ts";
import { decodeUtf8 } from "./decode.ts";
import { InvalidUtf8, MalformedRecord } from "./errors.ts";
import { splitLines } from "./lines.ts";
import {
  DEFAULT_MAX_CHARS,
  emptyStats,
  type InputRecord,
  type ReadOptions,
  type RecordReader,
} from "./record.ts";

/** Options of the CSV/TSV reader. */
export interface CsvOptions extends ReadOptions {
  /** Field separator: "," (CSV, the default) or "\t" (TSV). */
  readonly delimiter?: "," | "\t";
  /** Header name of the id column; without it the id is the record's first line number. */
  readonly idColumn?: string;
  /** Header name of the text column. Default "text". */
  readonly textColumn?: string;
}

/** Lines are handed to the parser in chunks of about this many bytes. */
const CHUNK_BYTES = 64 * 1024;

interface CsvRow {
  readonly record: Record<string, string>;
  readonly info: { readonly lines: number };
}

const newlines = (record: Record<string, string>): number => {
  let n = 0;
  for (const value of Object.values(record)) {
    for (let i = value.indexOf("\n"); i >= 0; i = value.indexOf("\n", i + 1)) {
      n++;
    }
  }
  return n;
};

/**
 * CSV or TSV with a header line, parsed incrementally by csv-parse (quoted
 * fields may span lines). Each line is checked for UTF-8 on its own, so an
 * error names the physical line; with `skipInvalid` a record touching an
 * invalid line is skipped and counted. A record's `line` is the line it
 * starts on. Empty lines and blank texts are skipped (and counted).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readCsv } from "./read_csv.ts";
 *
 * const csv = 'key,body\nk1,"a cat,\nsat"\nk2,a dog\n';
 * const input = ReadableStream.from([new TextEncoder().encode(csv)]);
 * const reader = readCsv(input, { idColumn: "key", textColumn: "body" });
 * const records = await Array.fromAsync(reader.records);
 * assert.deepEqual(records, [
 *   { id: "k1", text: "a cat,\nsat", line: 2 },
 *   { id: "k2", text: "a dog", line: 4 },
 * ]);
 * ```
 */
export const readCsv = (
  input: ReadableStream<Uint8Array>,
  options: CsvOptions = {},
): RecordReader => {
  const source = options.source ?? "input";
  const textColumn = options.textColumn ?? "text";
  const idColumn = options.idColumn;
  const stats = emptyStats();
  const maxLineBytes = lineLimitFor(options.maxChars ?? DEFAULT_MAX_CHARS);
  const invalid: number[] = [];

  async function* chunks(): AsyncGenerator<Uint8Array> {
    let parts: Uint8Array[] = [];
    let size = 0;
    const flush = () => {
      const out = new Uint8Array(size);
      let at = 0;
      for (const p of parts) {
        out.set(p, at);
        at += p.length + 1;
        out[at - 1] = 10;
      }
      parts = [];
      size = 0;
      return out;
    };
    for await (const raw of splitLines(input, { source, maxLineBytes })) {
      if (raw.cut) {
        throw new MalformedRecord({
          source,
          line: raw.line,
          reason: `the line is longer than ${maxLineBytes} bytes`,
        });
      }
      if (decodeUtf8(raw.bytes) === undefined) {
        if (!options.skipInvalid) {
          throw new InvalidUtf8({ source, line: raw.line });
        }
        invalid.push(raw.line);
      }
      parts.push(raw.bytes);
      size += raw.bytes.length + 1;
      if (size >= CHUNK_BYTES) yield flush();
    }
    if (size > 0) yield flush();
  }

  const header = (names: string[]): string[] => {
    for (const name of [textColumn, ...(idColumn ? [idColumn] : [])]) {
      if (!names.includes(name)) {
        throw new MalformedRecord({
          source,
          line: 1,
          reason: `the header has no "${name}" column (it has ${
            names.map((n) => JSON.stringify(n)).join(", ")
          })`,
        });
      }
    }
    return names;
  };

  async function* records(): AsyncGenerator<InputRecord> {
    const parser = parse({
      delimiter: options.delimiter ?? ",",
      columns: header,
      info: true,
      skip_empty_lines: true,
      relax_quotes: options.delimiter === "\t",
    });
    // Fed one chunk at a time, each once the last is parsed: piping would
    // let the parser queue 1,024 chunks while the embedder lags behind.
    const input = parser.writable.getWriter();
    const rows = parser.readable.getReader() as ReadableStreamDefaultReader<
      CsvRow
    >;
    (async () => {
      try {
        for await (const chunk of chunks()) await input.write(chunk);
        await input.close();
      } catch (e) {
        await input.abort(e).catch(() => {});
      }
    })();
    let lastEnd = 1;
    try {
      while (true) {
        const next = await rows.read();
        if (next.done) break;
        const { record, info } = next.value;
        const end = info.lines;
        const line = end - newlines(record);
        stats.blank += Math.max(0, line - lastEnd - 1);
        lastEnd = end;
        while (invalid.length > 0 && invalid[0] < line) invalid.shift();
        if (invalid.length > 0 && invalid[0] <= end) {
          stats.invalidUtf8++;
          continue;
        }
        const value = record[textColumn];
        if (value.trim() === "") {
          stats.blank++;
          continue;
        }
        const text = capText(
          value,
          { source, line, cut: false },
          options,
          stats,
        );
        if (text === undefined) continue;
        stats.records++;
        yield { id: idColumn ? record[idColumn] : String(line), text, line };
      }
    } catch (e) {
      if (e instanceof CsvError) {
        const lines = (e as { lines?: number }).lines;
        throw new MalformedRecord({
          source,
          line: lines ?? lastEnd + 1,
          reason: e.message,
        });
      }
      throw e;
    } finally {
      // Stops the feeding (and reading the input) when we stop early.
      await rows.cancel().catch(() => {});
    }
  }
  return { records: records(), stats };
};
