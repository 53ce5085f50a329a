import { seededRandom } from "../../src/eval/seeded_random.ts";

/** Standard normal draws (Box–Muller) from a seeded stream. */
export const gaussian = (seed: number) => {
  const u = seededRandom(seed);
  return () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
};

/** `perBlob` points around each centre with standard deviation `sd`, row-major. */
export const blobs = (
  centres: ReadonlyArray<ReadonlyArray<number>>,
  perBlob: number,
  sd: number,
  seed: number,
) => {
  const g = gaussian(seed);
  const d = centres[0].length;
  const x = new Float32Array(centres.length * perBlob * d);
  const labels = new Int32Array(centres.length * perBlob);
  centres.forEach((c, k) => {
    for (let i = 0; i < perBlob; i++) {
      const r = k * perBlob + i;
      labels[r] = k;
      for (let j = 0; j < d; j++) x[r * d + j] = c[j] + sd * g();
    }
  });
  return { x, labels, rows: labels.length, dim: d };
};
