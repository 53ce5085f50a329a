import { Effect } from "effect";
import type { ForwardFailed } from "../forward/errors.ts";
import type { TransformerStage } from "../forward/transformer_stage.ts";
import type { Tokenized } from "../tokenize/tokenized.ts";
import type { StaticEncoder } from "../aggregate/static_encoder.ts";

/** A static table keyed by token id: `vectors` is [ids.length, dim], row i for ids[i]. */
export interface TokenTable {
  readonly ids: Uint32Array;
  readonly dim: number;
  readonly vectors: Float32Array;
}

/**
 * "Avg." vectors (BERT2Static, METHODS §5): every token's contextual vector
 * averaged over all its occurrences in a corpus. Rows are sorted by token id
 * so the table — and its artifact — is the same for the same corpus.
 */
export const fitContextualAverage = (
  stage: TransformerStage,
  corpus: ReadonlyArray<Tokenized>,
): Effect.Effect<TokenTable, ForwardFailed> =>
  Effect.gen(function* () {
    const dim = stage.dim;
    const rowOf = new Map<number, number>();
    let sums = new Float64Array(1024 * dim);
    let counts = new Uint32Array(1024);
    yield* stage.visitTokens(corpus, (s, t, v) => {
      const id = corpus[s].ids[t];
      let r = rowOf.get(id);
      if (r === undefined) {
        r = rowOf.size;
        rowOf.set(id, r);
        if (r >= counts.length) {
          const grownSums = new Float64Array(sums.length * 2);
          grownSums.set(sums);
          sums = grownSums;
          const grownCounts = new Uint32Array(counts.length * 2);
          grownCounts.set(counts);
          counts = grownCounts;
        }
      }
      counts[r]++;
      const base = r * dim;
      for (let j = 0; j < dim; j++) sums[base + j] += v[j];
    });
    const ids = Uint32Array.from(rowOf.keys()).sort();
    const vectors = new Float32Array(ids.length * dim);
    ids.forEach((id, i) => {
      const r = rowOf.get(id)!;
      for (let j = 0; j < dim; j++) {
        vectors[i * dim + j] = sums[r * dim + j] / counts[r];
      }
    });
    return { ids, dim, vectors };
  });

/** A token table as a static encoder keyed by token id. */
export const tableEncoder = (
  name: string,
  table: TokenTable,
): StaticEncoder => {
  const rowOf = new Map<number, number>();
  table.ids.forEach((id, i) => rowOf.set(id, i));
  const lookup = (id: number) => {
    const r = rowOf.get(id);
    return r === undefined
      ? undefined
      : table.vectors.subarray(r * table.dim, (r + 1) * table.dim);
  };
  return {
    name,
    dim: table.dim,
    vector(id, _token, out) {
      const v = lookup(id);
      if (!v) return false;
      out.set(v);
      return true;
    },
    lookup,
  };
};
