import { UnwritableId } from "./errors.ts";
import type { ByteSink } from "./sink.ts";
import type { Dtype, WrittenRecord } from "./writer.ts";

/**
 * What travels beside a binary output: a JSON sidecar saying what the rows
 * are, and an ids file, one id a line, row i's id on line i+1.
 */

/** Which pipeline made the embeddings, for the sidecar. */
export interface Provenance {
  readonly pipeline: string;
  /** The pipeline's version hash. */
  readonly hash: string;
}

/** The sidecar's content. File names are relative to the sidecar's folder. */
export interface Sidecar extends Provenance {
  readonly format: "npy" | "f32";
  readonly file: string;
  readonly dtype: Dtype;
  readonly dims: number;
  readonly count: number;
  readonly ids_file?: string;
}

/** Where the sidecar of `path` goes: `path` + ".json". */
export const sidecarPath = (path: string): string => `${path}.json`;

/** Where the ids file of `path` goes: `path` + ".ids.txt". */
export const idsPath = (path: string): string => `${path}.ids.txt`;

/** The last part of a path. */
export const baseName = (path: string): string =>
  path.slice(path.lastIndexOf("/") + 1);

/** Writes `sidecar` as pretty JSON at `path`. */
export const writeSidecar = async (
  path: string,
  sidecar: Sidecar,
): Promise<void> => {
  await Deno.writeTextFile(path, JSON.stringify(sidecar, null, 2) + "\n");
};

/**
 * The ids of each batch's records, one a line, as one write per batch. An id
 * holding a line break cannot be written: `UnwritableId`.
 */
export const idsWriter = (sink: ByteSink) => {
  const encoder = new TextEncoder();
  return {
    write: async (records: ReadonlyArray<WrittenRecord>): Promise<void> => {
      let out = "";
      for (const r of records) {
        if (/[\r\n]/.test(r.id)) {
          throw new UnwritableId({ id: r.id, line: r.line });
        }
        out += r.id + "\n";
      }
      await sink.write(encoder.encode(out));
    },
    close: (): Promise<void> => sink.close(),
  };
};
