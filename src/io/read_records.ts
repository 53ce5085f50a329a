import { type CsvOptions, readCsv } from "./read_csv.ts";
import { type JsonlOptions, readJsonl } from "./read_jsonl.ts";
import { readText } from "./read_text.ts";
import type { ReadOptions, RecordReader } from "./record.ts";

/** The input formats `deno task embed` reads. */
export type InputFormat = "text" | "jsonl" | "csv" | "tsv";

/** Options of every format: each reader reads the fields it knows. */
export interface RecordsOptions extends ReadOptions {
  readonly format: InputFormat;
  /** JSONL field or CSV/TSV column holding the id; default the line number. */
  readonly idField?: string;
  /** JSONL field or CSV/TSV column holding the text; default "text". */
  readonly textField?: string;
}

/**
 * The format a path's extension names: `.jsonl`/`.ndjson`, `.csv`,
 * `.tsv`/`.tab`, else plain text.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatFromPath } from "./read_records.ts";
 *
 * assert.equal(formatFromPath("data/sts.TSV"), "tsv");
 * assert.equal(formatFromPath("notes.txt"), "text");
 * ```
 */
export const formatFromPath = (path: string): InputFormat => {
  const ext = path.toLowerCase().match(/\.([a-z]+)$/)?.[1];
  if (ext === "jsonl" || ext === "ndjson") return "jsonl";
  if (ext === "csv") return "csv";
  if (ext === "tsv" || ext === "tab") return "tsv";
  return "text";
};

/** The reader for `options.format`, read incrementally from `input`. */
export const readRecords = (
  input: ReadableStream<Uint8Array>,
  options: RecordsOptions,
): RecordReader => {
  switch (options.format) {
    case "text":
      return readText(input, options);
    case "jsonl":
      return readJsonl(input, options satisfies JsonlOptions);
    case "csv":
    case "tsv":
      return readCsv(
        input,
        {
          ...options,
          delimiter: options.format === "tsv" ? "\t" : ",",
          idColumn: options.idField,
          textColumn: options.textField,
        } satisfies CsvOptions,
      );
  }
};

/** An opened input: its bytes, its name for errors, its size when known. */
export interface OpenedInput {
  readonly stream: ReadableStream<Uint8Array>;
  readonly source: string;
  /** Total bytes, for progress; unknown for stdin and pipes. */
  readonly size?: number;
}

/** A file (read lazily; closed when read or cancelled), or stdin when no path is given. */
export const openInput = async (path?: string): Promise<OpenedInput> => {
  if (path === undefined || path === "-") {
    return { stream: Deno.stdin.readable, source: "stdin" };
  }
  const file = await Deno.open(path, { read: true });
  const info = await file.stat();
  return {
    stream: file.readable,
    source: path,
    ...(info.isFile ? { size: info.size } : {}),
  };
};
