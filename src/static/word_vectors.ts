import { Effect } from "effect";
import { existsSync } from "node:fs";
import { BadConfig, MissingModelFiles } from "../errors.ts";
import { Paths } from "../paths.ts";
import type { StaticEncoder } from "../aggregate/static_encoder.ts";

/**
 * Parses word2vec / GloVe text format: an optional `count dim` header line,
 * then `word v1 … vdim` per line. Lines of the wrong width are an error, not
 * skipped, so a truncated file never yields silently short vectors.
 */
export const parseWordVectors = (
  text: string,
  source: string,
): { readonly dim: number; readonly table: Map<string, Float32Array> } => {
  const lines = text.split(/\r?\n/);
  let start = 0;
  let dim = 0;
  const header = lines[0]?.trim().split(/\s+/) ?? [];
  if (
    header.length === 2 && /^\d+$/.test(header[0]) && /^\d+$/.test(header[1])
  ) {
    dim = Number(header[1]);
    start = 1;
  }
  const table = new Map<string, Float32Array>();
  for (let n = start; n < lines.length; n++) {
    const line = lines[n].trim();
    if (line === "") continue;
    const parts = line.split(/\s+/);
    if (dim === 0) dim = parts.length - 1;
    if (parts.length !== dim + 1) {
      throw new RangeError(
        `${source} line ${n + 1} has ${
          parts.length - 1
        } values, expected ${dim}`,
      );
    }
    const v = new Float32Array(dim);
    for (let j = 0; j < dim; j++) {
      const x = Number(parts[j + 1]);
      if (!Number.isFinite(x)) {
        throw new RangeError(
          `${source} line ${n + 1} has a non-numeric value "${parts[j + 1]}"`,
        );
      }
      v[j] = x;
    }
    table.set(parts[0], v);
  }
  if (table.size === 0) throw new RangeError(`${source} holds no vectors`);
  return { dim, table };
};

/**
 * A static encoder from a word-vector file under the models folder. Lookup
 * tries the token as written, then lowercased (word2vec keeps case).
 */
export const loadWordVectors: (
  file: string,
) => Effect.Effect<StaticEncoder, MissingModelFiles | BadConfig, Paths> = Effect
  .fn("loadWordVectors")(
    function* (file: string) {
      const paths = yield* Paths;
      const path = `${paths.models}/${file}`;
      if (file.includes("..") || file.startsWith("/") || !existsSync(path)) {
        return yield* new MissingModelFiles({
          model: file,
          path,
          hint: "Word vectors are read from SENTEMB_MODELS.",
        });
      }
      const text = yield* Effect.promise(() => Deno.readTextFile(path));
      const { dim, table } = yield* Effect.try({
        try: () => parseWordVectors(text, path),
        catch: (e) =>
          new BadConfig({ subject: path, reason: (e as Error).message }),
      });
      return wordVectorEncoder(file, dim, table);
    },
  );

export const wordVectorEncoder = (
  name: string,
  dim: number,
  table: ReadonlyMap<string, Float32Array>,
): StaticEncoder => ({
  name,
  dim,
  vector(_id, token, out) {
    const v = table.get(token) ?? table.get(token.toLowerCase());
    if (v === undefined) return false;
    out.set(v);
    return true;
  },
  lookup: (_id, token) => table.get(token) ?? table.get(token.toLowerCase()),
});
