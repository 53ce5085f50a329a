import { BinaryInput } from "./errors.ts";

/**
 * Splits a byte stream into lines as it arrives, never holding more than one
 * line (and the chunk it is in). Lines end at "\n"; one trailing "\r" is
 * dropped. Splitting on the byte 0x0A is safe for UTF-8, whose multi-byte
 * sequences never contain it, so each line can be decoded on its own.
 */

/** One line of input, as bytes, not yet decoded. */
export interface RawLine {
  /** The line without its "\n" or "\r\n"; only a prefix when `cut`. */
  readonly bytes: Uint8Array;
  /** 1-based line number. */
  readonly line: number;
  /** The line was longer than `maxLineBytes`: `bytes` keeps a prefix cut at a character boundary. */
  readonly cut: boolean;
  /** When `cut`: the dropped part was not valid UTF-8. */
  readonly tailInvalid: boolean;
  /** The whole line's length in bytes. */
  readonly byteLength: number;
}

export interface SplitOptions {
  /** Names the input in errors. Default "input". */
  readonly source?: string;
  /** Longest line kept whole; longer lines are `cut`. Default 16 MiB. */
  readonly maxLineBytes?: number;
}

/** Longest line kept whole by default. */
export const DEFAULT_MAX_LINE_BYTES = 16 * 1024 * 1024;

const NEWLINE = 10;

/** Index of the last, incomplete UTF-8 sequence's lead byte in `b`, or `b.length`. */
const completeUpTo = (b: Uint8Array): number => {
  let k = b.length - 1;
  while (k >= 0 && k >= b.length - 4 && (b[k] & 0xc0) === 0x80) k--;
  if (k < 0) return b.length;
  const lead = b[k];
  const need = lead < 0x80 ? 1 : lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;
  return k + need > b.length ? k : b.length;
};

const concat = (parts: Uint8Array[], total: number): Uint8Array => {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

/**
 * Lines of `input` in order. Refuses input that looks binary (a NUL byte, or
 * a UTF-16 byte-order mark) with `BinaryInput`; drops a UTF-8 byte-order mark.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { splitLines } from "./lines.ts";
 *
 * const input = ReadableStream.from([new TextEncoder().encode("a\r\n\nb")]);
 * const lines = await Array.fromAsync(splitLines(input));
 * assert.deepEqual(lines.map((l) => [l.line, l.bytes.length]), [[1, 1], [2, 0], [3, 1]]);
 * ```
 */
export async function* splitLines(
  input: ReadableStream<Uint8Array>,
  options: SplitOptions = {},
): AsyncGenerator<RawLine> {
  const source = options.source ?? "input";
  const max = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  let parts: Uint8Array[] = [];
  let kept = 0;
  let total = 0;
  let cut = false;
  let tail: TextDecoder | undefined;
  let tailInvalid = false;
  let line = 1;
  let head: Uint8Array | undefined = new Uint8Array(0);

  const validateTail = (bytes: Uint8Array, last: boolean) => {
    if (tailInvalid || tail === undefined) return;
    try {
      tail.decode(bytes, { stream: !last });
    } catch {
      tailInvalid = true;
    }
  };
  const append = (seg: Uint8Array) => {
    total += seg.length;
    if (cut) return validateTail(seg, false);
    if (kept + seg.length <= max) {
      if (seg.length > 0) parts.push(seg);
      kept += seg.length;
      return;
    }
    const overflow = kept + seg.length - max;
    parts.push(seg);
    const whole = concat(parts, kept + seg.length).subarray(0, max);
    const end = completeUpTo(whole);
    parts = [whole.subarray(0, end)];
    kept = end;
    cut = true;
    tail = new TextDecoder("utf-8", { fatal: true });
    validateTail(whole.subarray(end), false);
    validateTail(seg.subarray(seg.length - overflow), false);
  };
  const finish = (): RawLine => {
    if (cut) validateTail(new Uint8Array(0), true);
    let bytes = concat(parts, kept);
    if (!cut && bytes.length > 0 && bytes[bytes.length - 1] === 13) {
      bytes = bytes.subarray(0, bytes.length - 1);
    }
    const out = { bytes, line, cut, tailInvalid, byteLength: total };
    parts = [];
    kept = total = 0;
    cut = tailInvalid = false;
    tail = undefined;
    return out;
  };
  const checkStart = (first: Uint8Array): Uint8Array => {
    if (
      (first[0] === 0xff && first[1] === 0xfe) ||
      (first[0] === 0xfe && first[1] === 0xff)
    ) {
      throw new BinaryInput({
        source,
        line: 1,
        reason: "it starts with a UTF-16 byte-order mark (convert it to UTF-8)",
      });
    }
    const bom = first[0] === 0xef && first[1] === 0xbb && first[2] === 0xbf;
    return bom ? first.subarray(3) : first;
  };

  const split = function* (chunk: Uint8Array): Generator<RawLine> {
    let start = 0;
    while (start < chunk.length) {
      const nl = chunk.indexOf(NEWLINE, start);
      const seg = chunk.subarray(start, nl < 0 ? chunk.length : nl);
      if (seg.indexOf(0) >= 0) {
        throw new BinaryInput({
          source,
          line,
          reason: "it contains a NUL byte",
        });
      }
      append(seg);
      if (nl < 0) return;
      yield finish();
      line++;
      start = nl + 1;
    }
  };

  for await (let chunk of input) {
    if (head !== undefined) {
      const joined: Uint8Array = new Uint8Array(head.length + chunk.length);
      joined.set(head);
      joined.set(chunk, head.length);
      if (joined.length < 3) {
        head = joined;
        continue;
      }
      head = undefined;
      chunk = checkStart(joined);
    }
    yield* split(chunk);
  }
  if (head !== undefined && head.length > 0) yield* split(checkStart(head));
  if (total > 0) yield finish();
}
