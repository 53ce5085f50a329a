import type { StaticEncoder } from "../../src/aggregate/static_encoder.ts";

/** A 2-d table written out by hand, so pooled results can be worked by hand. */
export const handTable = (
  table: Record<string, [number, number]>,
): StaticEncoder => ({
  name: "hand",
  dim: 2,
  vector(_id, token, out) {
    const v = table[token];
    if (!v) return false;
    out[0] = v[0];
    out[1] = v[1];
    return true;
  },
});

/**
 * The same table handing out its own rows (`lookup`), as the random and
 * word-vector tables do: pooling takes its gathered, row-merging path.
 */
export const handRows = (
  table: Record<string, [number, number]>,
): StaticEncoder => {
  const rows = new Map(
    Object.entries(table).map(([t, v]) => [t, Float32Array.from(v)]),
  );
  return { ...handTable(table), lookup: (_id, token) => rows.get(token) };
};

export const sentence = (tokens: string[], special: number[] = []) => ({
  tokens,
  ids: new Uint32Array(tokens.length),
  special: Uint8Array.from(tokens.map((_, i) => special.includes(i) ? 1 : 0)),
});
