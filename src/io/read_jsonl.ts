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

/** Options of the JSONL reader. */
export interface JsonlOptions extends ReadOptions {
  /** Field holding the id (a string or a number); without it the id is the line number. */
  readonly idField?: string;
  /** Field holding the text. Default "text". */
  readonly textField?: string;
}

const parseObject = (
  text: string,
  fail: (reason: string) => MalformedRecord,
): Record<string, unknown> => {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw fail(`not valid JSON (${(e as Error).message})`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw fail("expected a JSON object");
  }
  return value as Record<string, unknown>;
};

const idOf = (
  value: unknown,
  field: string,
  fail: (reason: string) => MalformedRecord,
): string => {
  if (typeof value === "string") return value;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  throw fail(
    value === undefined
      ? `no "${field}" field`
      : `"${field}" is ${JSON.stringify(value)}, expected a string or a number`,
  );
};

/**
 * JSON Lines, one object a line, read incrementally; blank lines and blank
 * texts are skipped (and counted).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readJsonl } from "./read_jsonl.ts";
 *
 * const lines = '{"doc": 7, "body": "a cat"}\n\n{"doc": "x", "body": "a dog"}\n';
 * const input = ReadableStream.from([new TextEncoder().encode(lines)]);
 * const reader = readJsonl(input, { idField: "doc", textField: "body" });
 * const records = await Array.fromAsync(reader.records);
 * assert.deepEqual(records, [
 *   { id: "7", text: "a cat", line: 1 },
 *   { id: "x", text: "a dog", line: 3 },
 * ]);
 * ```
 */
export const readJsonl = (
  input: ReadableStream<Uint8Array>,
  options: JsonlOptions = {},
): RecordReader => {
  const source = options.source ?? "input";
  const textField = options.textField ?? "text";
  const stats = emptyStats();
  const maxLineBytes = lineLimitFor(options.maxChars ?? DEFAULT_MAX_CHARS);
  async function* records(): AsyncGenerator<InputRecord> {
    for await (const raw of splitLines(input, { source, maxLineBytes })) {
      const line = raw.line;
      const fail = (reason: string) =>
        new MalformedRecord({ source, line, reason });
      if (raw.cut) {
        throw fail(`the line is longer than ${maxLineBytes} bytes`);
      }
      const decoded = decodeUtf8(raw.bytes);
      if (decoded === undefined) {
        if (!options.skipInvalid) throw new InvalidUtf8({ source, line });
        stats.invalidUtf8++;
        continue;
      }
      if (decoded.trim() === "") {
        stats.blank++;
        continue;
      }
      const object = parseObject(decoded, fail);
      const value = object[textField];
      if (typeof value !== "string") {
        throw fail(
          value === undefined
            ? `no "${textField}" field`
            : `"${textField}" is not a string`,
        );
      }
      const id = options.idField === undefined
        ? String(line)
        : idOf(object[options.idField], options.idField, fail);
      if (value.trim() === "") {
        stats.blank++;
        continue;
      }
      const text = capText(value, { source, line, cut: false }, options, stats);
      if (text === undefined) continue;
      stats.records++;
      yield { id, text, line };
    }
  }
  return { records: records(), stats };
};
