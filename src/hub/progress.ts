/**
 * Download progress: a reporter starts one task per file; the default draws
 * a one-line bar (bytes, rate, ETA) on stderr, only when stderr is a terminal.
 */

/** One file's progress, fed as bytes arrive. */
export interface ProgressTask {
  readonly advance: (bytes: number) => void;
  readonly finish: () => void;
}

/** Starts a task per downloaded file; `initial` is what a resume already has. */
export interface ProgressReporter {
  readonly start: (
    name: string,
    total: number | undefined,
    initial: number,
  ) => ProgressTask;
}

/** What the terminal bar draws with; injectable for tests. */
export interface BarOptions {
  /** Files smaller than this get no bar (default 10 MB). */
  readonly minBytes?: number;
  /** Where a line goes (default: stderr). */
  readonly write?: (text: string) => void;
  /** Milliseconds clock (default `performance.now`). */
  readonly now?: () => number;
  /** Least milliseconds between redraws (default 100). */
  readonly every?: number;
}

/**
 * Bytes in SI units, as tqdm shows them.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatBytes } from "./progress.ts";
 *
 * assert.equal(formatBytes(1_500_000), "1.5 MB");
 * ```
 */
export const formatBytes = (n: number): string => {
  const units = ["B", "kB", "MB", "GB", "TB"];
  let i = 0;
  while (n >= 1000 && i < units.length - 1) [n, i] = [n / 1000, i + 1];
  return i === 0 ? `${n} B` : `${n.toFixed(1)} ${units[i]}`;
};

const formatSeconds = (s: number): string => {
  if (!Number.isFinite(s)) return "?";
  const t = Math.round(s);
  return t < 60
    ? `${t}s`
    : `${Math.floor(t / 60)}m${String(t % 60).padStart(2, "0")}s`;
};

/** The bar's text for one moment of a download. */
export const progressLine = (
  name: string,
  done: number,
  total: number | undefined,
  bytesPerSecond: number,
): string => {
  const rate = `${formatBytes(Math.round(bytesPerSecond))}/s`;
  if (total === undefined) return `${name}  ${formatBytes(done)}  ${rate}`;
  const fraction = total > 0 ? Math.min(1, done / total) : 1;
  const width = 24;
  const filled = Math.round(fraction * width);
  const bar = "#".repeat(filled) + "-".repeat(width - filled);
  const eta = bytesPerSecond > 0 ? (total - done) / bytesPerSecond : Infinity;
  return `${name} [${bar}] ${(fraction * 100).toFixed(0).padStart(3)}%  ${
    formatBytes(done)
  } / ${formatBytes(total)}  ${rate}  ETA ${formatSeconds(eta)}`;
};

const encoder = new TextEncoder();
const stderrWrite = (text: string) =>
  Deno.stderr.writeSync(encoder.encode(text));
const silent: ProgressTask = { advance: () => {}, finish: () => {} };

/** A reporter that draws a bar per large file, redrawing in place. */
export const barReporter = (options: BarOptions = {}): ProgressReporter => ({
  start: (name, total, initial) => {
    if (total === undefined || total < (options.minBytes ?? 10_000_000)) {
      return silent;
    }
    const write = options.write ?? stderrWrite;
    const now = options.now ?? (() => performance.now());
    const every = options.every ?? 100;
    const started = now();
    let done = initial;
    let drawn = -Infinity;
    const draw = (end: string) => {
      const seconds = Math.max((now() - started) / 1000, 1e-3);
      write(
        `\r${
          progressLine(name, done, total, (done - initial) / seconds)
        }${end}`,
      );
      drawn = now();
    };
    return {
      advance: (bytes) => {
        done += bytes;
        if (now() - drawn >= every) draw("");
      },
      finish: () => draw("\n"),
    };
  },
});

/** The default: a bar when stderr is a terminal, nothing otherwise. */
export const autoReporter = (): ProgressReporter | undefined =>
  Deno.stderr.isTerminal() ? barReporter() : undefined;
