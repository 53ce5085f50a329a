/**
 * A seeded 32-bit PRNG (splitmix32). Hand-written rather than imported: the
 * evaluation only needs reproducible shuffles and k-means++ draws, and these
 * ten integer-only lines give the same stream on every platform.
 */
export const seededRandom = (seed: number): () => number => {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    z = (z ^ (z >>> 16)) >>> 0;
    return z / 4294967296;
  };
};

/** Fisher–Yates shuffle of `0 … n−1` driven by `random`. */
export const shuffledIndices = (
  n: number,
  random: () => number,
): Int32Array => {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = out[i];
    out[i] = out[j];
    out[j] = t;
  }
  return out;
};
