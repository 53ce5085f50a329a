import { capText, lineLimitFor } from "./char_cap.ts";
import { decodeUtf8 } from "./decode.ts";
import { InvalidUtf8 } from "./errors.ts";
import { splitLines } from "./lines.ts";
import {
  DEFAULT_MAX_CHARS,
  emptyStats,
  type InputRecord,
  type ReadOptions,
  type RecordReader,
} from "./record.ts";

/**
 * Plain text, one record a line, read incrementally. A record's id is its
 * 1-based line number, so output id N always means input line N: blank lines
 * are skipped (and counted) without renumbering the rest.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readText } from "./read_text.ts";
 *
 * const input = ReadableStream.from([new TextEncoder().encode("a cat\n\n  \na dog\n")]);
 * const reader = readText(input);
 * const records = await Array.fromAsync(reader.records);
 * assert.deepEqual(records.map((r) => r.id), ["1", "4"]);
 * assert.equal(reader.stats.blank, 2);
 * ```
 */
export const readText = (
  input: ReadableStream<Uint8Array>,
  options: ReadOptions = {},
): RecordReader => {
  const source = options.source ?? "input";
  const stats = emptyStats();
  const maxLineBytes = lineLimitFor(options.maxChars ?? DEFAULT_MAX_CHARS);
  async function* records(): AsyncGenerator<InputRecord> {
    for await (const raw of splitLines(input, { source, maxLineBytes })) {
      const decoded = raw.tailInvalid ? undefined : decodeUtf8(raw.bytes);
      if (decoded === undefined) {
        if (!options.skipInvalid) {
          throw new InvalidUtf8({ source, line: raw.line });
        }
        stats.invalidUtf8++;
        continue;
      }
      if (decoded.trim() === "") {
        stats.blank++;
        continue;
      }
      const text = capText(
        decoded,
        { source, line: raw.line, cut: raw.cut },
        options,
        stats,
      );
      if (text === undefined) continue;
      stats.records++;
      yield { id: String(raw.line), text, line: raw.line };
    }
  }
  return { records: records(), stats };
};
