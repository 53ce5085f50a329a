/**
 * A table of token vectors. `vector` writes token `index` of a tokenized
 * sentence into `out` and reports whether the table knows it, so callers
 * never allocate per token.
 */
export interface StaticEncoder {
  /** A name for logs and errors. */
  readonly name: string;
  /** The vectors' dimension. */
  readonly dim: number;
  /** Writes the vector of a token into `out`; false when it has none. */
  vector(id: number, token: string, out: Float32Array): boolean;
  /**
   * The table's own row for a token, or undefined; read-only by contract.
   * Optional fast path that saves pooling a copy per token.
   */
  lookup?(id: number, token: string): Float32Array | undefined;
  /**
   * Optional fastest path for mean pooling: the table sums its own rows
   * (in WebAssembly memory, see `row_arena.ts`), addressed by handle.
   */
  readonly rows?: RowSource;
}

/**
 * Rows addressed by handle, summed by their owner. A handle stays valid
 * until the next `beginSentence`: a table that keeps only some rows may
 * reuse the others' memory once a sentence is pooled (`kept` tells
 * the rows it keeps, valid for good).
 */
export interface RowSource {
  /** A new sentence's rows are about to be asked for. */
  beginSentence?(): void;
  /** The handle of a token's row, or -1 when the table does not know it. */
  rowOf(id: number, token: string): number;
  /**
   * `out = Σₖ weights[k]·row(handles[k]) / total` over the first `count`
   * handles, written from `out[at]` on (default 0: a row of a batch without
   * a view of it).
   */
  weightedMean(
    handles: Int32Array,
    weights: Float32Array,
    count: number,
    total: number,
    out: Float32Array,
    at?: number,
  ): void;
  /**
   * `weightedMean` for `n` sentences at once: sentence `s` sums the rows
   * `handles[starts[s], starts[s + 1])` (weights alike) into
   * `out[at[s], at[s] + dim)`, divided by `totals[s]`, bit for bit as
   * `weightedMean` would. Its handles must all still be valid.
   */
  weightedMeans?(
    handles: Int32Array,
    weights: Float32Array,
    starts: Int32Array,
    totals: Float64Array,
    at: Int32Array,
    n: number,
    out: Float32Array,
  ): void;
  /**
   * Whether `handle` names its id's row for good, past the next
   * `beginSentence` (a row the table keeps, not one it reuses), so a caller
   * may remember it and sum it later. Without it no handle is.
   */
  kept?(handle: number): boolean;
}
