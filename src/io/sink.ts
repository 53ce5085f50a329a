import { OutputClosed } from "./errors.ts";

/**
 * Byte sinks for the writers, and the broken-pipe rule: when the reader of
 * stdout goes away (`deno task embed ... | head`), writing stops with
 * `OutputClosed`, which the command turns into a quiet exit with status 0.
 */

/** Where a writer's bytes go. */
export interface ByteSink {
  /** Writes all of `bytes` (a partial write is continued). */
  write(bytes: Uint8Array): Promise<void>;
  /** Flushes and releases the target (stdout is left open). */
  close(): Promise<void>;
}

/** Something `Deno.stdout` or a `Deno.FsFile` can stand for. */
export interface RawWriter {
  write(p: Uint8Array): Promise<number>;
}

/** Whether `e` says the output's reader went away. */
export const isOutputClosed = (e: unknown): boolean =>
  e instanceof OutputClosed || e instanceof Deno.errors.BrokenPipe ||
  (e instanceof Error && (e as { code?: string }).code === "EPIPE");

/**
 * A sink over `writer` that writes everything it is given and turns a broken
 * pipe into `OutputClosed` naming `target`.
 */
export const writerSink = (
  writer: RawWriter,
  target: string,
  close: () => void | Promise<void> = () => {},
): ByteSink => ({
  write: async (bytes) => {
    try {
      for (let at = 0; at < bytes.length;) {
        at += await writer.write(bytes.subarray(at));
      }
    } catch (e) {
      if (isOutputClosed(e)) throw new OutputClosed({ target });
      throw e;
    }
  },
  close: async () => {
    await close();
  },
});

/** Standard output as a sink. */
export const stdoutSink = (): ByteSink => writerSink(Deno.stdout, "stdout");

/** A new (or emptied) file as a sink. */
export const fileSink = async (path: string): Promise<ByteSink> => {
  const file = await Deno.open(path, {
    write: true,
    create: true,
    truncate: true,
  });
  return writerSink(file, path, () => file.close());
};

/**
 * Runs `run`; if its output was closed by its reader, resolves to `undefined`
 * instead of failing, so the command ends quietly with status 0.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { OutputClosed } from "./errors.ts";
 * import { stopQuietlyWhenOutputCloses } from "./sink.ts";
 *
 * const done = await stopQuietlyWhenOutputCloses(() => {
 *   throw new OutputClosed({ target: "stdout" });
 * });
 * assert.equal(done, undefined);
 * ```
 */
export const stopQuietlyWhenOutputCloses = async <A>(
  run: () => A | Promise<A>,
): Promise<A | undefined> => {
  try {
    return await run();
  } catch (e) {
    if (isOutputClosed(e)) return undefined;
    throw e;
  }
};
