/**
 * Progress on stderr while embedding: sentences done, their rate, and, when
 * the input's size is known, the share of its bytes read and an ETA. Silent
 * unless stderr is a terminal; the clock and the output are injectable.
 */

/** Where the run stands. */
export interface ProgressState {
  readonly records: number;
  /** Input bytes read so far. */
  readonly bytes: number;
  readonly elapsedMs: number;
  /** The input's size, when known. */
  readonly totalBytes?: number;
}

/** Options of the reporter; every one has a default for the real terminal. */
export interface ProgressOptions {
  readonly totalBytes?: number;
  /** Report at all. Default: whether stderr is a terminal. */
  readonly enabled?: boolean;
  /** Prints text. Default: to stderr. */
  readonly write?: (text: string) => void;
  /** Milliseconds since some origin. Default `performance.now`. */
  readonly now?: () => number;
  /** Least time between two reports. Default 250 ms. */
  readonly intervalMs?: number;
}

/** A running report. */
export interface Progress {
  /** Records done and input bytes read so far; prints at most every interval. */
  update(records: number, bytes: number): void;
  /** Prints the last report and ends its line. */
  finish(): void;
}

const duration = (seconds: number): string => {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${m}:${ss}`;
};

/**
 * One report line.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { progressLine } from "./progress.ts";
 *
 * assert.equal(
 *   progressLine({ records: 1500, bytes: 250, totalBytes: 1000, elapsedMs: 10_000 }),
 *   "1,500 sentences, 150/s, 25% of the input, ETA 0:30",
 * );
 * ```
 */
export const progressLine = (state: ProgressState): string => {
  const seconds = state.elapsedMs / 1000;
  const rate = seconds > 0 ? state.records / seconds : 0;
  let line = `${state.records.toLocaleString("en-US")} sentences, ${
    Math.round(rate).toLocaleString("en-US")
  }/s`;
  const total = state.totalBytes;
  if (total !== undefined && total > 0) {
    const share = Math.min(1, state.bytes / total);
    line += `, ${Math.floor(share * 100)}% of the input`;
    if (share > 0 && share < 1) {
      line += `, ETA ${duration(seconds * (1 - share) / share)}`;
    }
  }
  return line;
};

/**
 * A reporter that rewrites one stderr line (carriage return, clear to end of
 * line) at most every `intervalMs`.
 */
export const progressReporter = (options: ProgressOptions = {}): Progress => {
  const enabled = options.enabled ?? Deno.stderr.isTerminal();
  if (!enabled) return { update: () => {}, finish: () => {} };
  const encoder = new TextEncoder();
  const write = options.write ??
    ((text: string) => void Deno.stderr.writeSync(encoder.encode(text)));
  const now = options.now ?? (() => performance.now());
  const interval = options.intervalMs ?? 250;
  const start = now();
  let last = -Infinity;
  let records = 0;
  let bytes = 0;
  const print = () =>
    write(
      `\r\x1b[K${
        progressLine({
          records,
          bytes,
          elapsedMs: now() - start,
          ...(options.totalBytes === undefined
            ? {}
            : { totalBytes: options.totalBytes }),
        })
      }`,
    );
  return {
    update: (r, b) => {
      records = r;
      bytes = b;
      const t = now();
      if (t - last < interval) return;
      last = t;
      print();
    },
    finish: () => {
      print();
      write("\n");
    },
  };
};

/**
 * `input`, passing on its chunks and telling `onBytes` the total read so far:
 * the progress by bytes, without the readers knowing.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { countBytes } from "./progress.ts";
 *
 * let read = 0;
 * const input = ReadableStream.from([new Uint8Array(3), new Uint8Array(4)]);
 * await Array.fromAsync(countBytes(input, (n) => read = n));
 * assert.equal(read, 7);
 * ```
 */
export const countBytes = (
  input: ReadableStream<Uint8Array>,
  onBytes: (total: number) => void,
): ReadableStream<Uint8Array> => {
  let total = 0;
  return input.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        total += chunk.length;
        onBytes(total);
        controller.enqueue(chunk);
      },
    }),
  );
};
