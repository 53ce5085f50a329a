/**
 * A table of token vectors. `vector` writes token `index` of a tokenized
 * sentence into `out` and reports whether the table knows it, so callers
 * never allocate per token.
 */
export interface StaticEncoder {
  readonly name: string;
  readonly dim: number;
  vector(id: number, token: string, out: Float32Array): boolean;
}
