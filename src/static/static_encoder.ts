/**
 * A table of token vectors. `vector` writes token `index` of a tokenized
 * sentence into `out` and reports whether the table knows it, so callers
 * never allocate per token.
 */
export interface StaticEncoder {
  readonly name: string;
  readonly dim: number;
  vector(id: number, token: string, out: Float32Array): boolean;
  /**
   * The table's own row for a token, or undefined; read-only by contract.
   * Optional fast path that saves pooling a copy per token.
   */
  lookup?(id: number, token: string): Float32Array | undefined;
}
