import { DEFAULT_MAX_LINE_BYTES } from "./lines.ts";
import { RecordTooLong } from "./errors.ts";
import {
  DEFAULT_MAX_CHARS,
  type ReadOptions,
  type ReadStats,
} from "./record.ts";

/**
 * The per-record character cap (UTF-16 code units, as the server counts) and
 * its policies: `truncate` cuts the text (never inside a surrogate pair),
 * `skip` drops the record and counts it, `fail` throws `RecordTooLong`.
 */

/** Where a text came from, for the error, and whether the splitter cut it. */
export interface CapContext {
  readonly source: string;
  readonly line: number;
  /** The text is only a prefix of a line longer than the splitter keeps. */
  readonly cut: boolean;
}

/**
 * The longest line a reader keeps whole for a cap of `maxChars`. UTF-8 spends
 * at most 3 bytes per UTF-16 code unit, so the prefix kept of a cut line is
 * then surely over the cap.
 */
export const lineLimitFor = (maxChars: number): number =>
  Math.max(DEFAULT_MAX_LINE_BYTES, 4 * maxChars + 16);

/**
 * `text` under the cap, or `undefined` when the record is skipped (counted in
 * `stats`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { capText } from "./char_cap.ts";
 * import { emptyStats } from "./record.ts";
 *
 * const stats = emptyStats();
 * const at = { source: "stdin", line: 3, cut: false };
 * assert.equal(capText("abcdef", at, { maxChars: 4, onTooLong: "truncate" }, stats), "abcd");
 * assert.equal(capText("abcdef", at, { maxChars: 4, onTooLong: "skip" }, stats), undefined);
 * assert.deepEqual([stats.truncated, stats.tooLong], [1, 1]);
 * ```
 */
export const capText = (
  text: string,
  at: CapContext,
  options: ReadOptions,
  stats: ReadStats,
): string | undefined => {
  const max = options.maxChars ?? DEFAULT_MAX_CHARS;
  if (text.length <= max && !at.cut) return text;
  switch (options.onTooLong ?? "fail") {
    case "truncate": {
      stats.truncated++;
      const high = text.charCodeAt(max - 1);
      return text.slice(0, high >= 0xd800 && high <= 0xdbff ? max - 1 : max);
    }
    case "skip":
      stats.tooLong++;
      return undefined;
    case "fail":
      throw new RecordTooLong({
        source: at.source,
        line: at.line,
        chars: text.length,
        max,
      });
  }
};
