import { Effect } from "effect";
import { DataError } from "../errors.ts";

/**
 * Reads a data file as text: UTF-8 (or ISO-8859-1, as TREC's training file
 * is), byte-order mark removed, split into lines on LF or CRLF. A trailing
 * empty line (the file's final newline) is dropped.
 */
export const readLines = (
  path: string,
  encoding: "utf-8" | "latin1" = "utf-8",
): Effect.Effect<string[], DataError> =>
  Effect.tryPromise({
    try: () => Deno.readFile(path),
    catch: () => new DataError({ path, reason: "missing or unreadable" }),
  }).pipe(
    Effect.flatMap((bytes) =>
      Effect.try({
        try: () =>
          new TextDecoder(encoding, { fatal: encoding === "utf-8" }).decode(
            bytes,
          ),
        catch: () =>
          new DataError({ path, reason: `not valid ${encoding} text` }),
      })
    ),
    Effect.map((text) => {
      const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
      if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
      return lines;
    }),
  );

/** The whole file as one string (BOM removed), for formats a library parses. */
export const readWhole = (path: string): Effect.Effect<string, DataError> =>
  Effect.tryPromise({
    try: () => Deno.readTextFile(path),
    catch: () => new DataError({ path, reason: "missing or unreadable" }),
  }).pipe(Effect.map((t) => t.replace(/^\uFEFF/, "")));
