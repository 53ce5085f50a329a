import "../temp_cache.ts";
import assert from "node:assert/strict";
import { hiddenStates, type LlamaWeights } from "../../src/llama2c/mod.ts";
import { rowOf } from "./arrays.ts";
import { tinyConfig } from "./synthetic.ts";

// Hand-checkable model: q = k = 0 (uniform attention over visible keys), v and o
// the identity, FFN zero, norm weights 1. Each layer maps row i to
// x_i + mean_{j ≤ i} x_j / rms(x_j).
const uniformModel = (emb: number[][]): LlamaWeights => {
  const c = {
    ...tinyConfig,
    dim: 2,
    hiddenDim: 1,
    nLayers: 2,
    nHeads: 1,
    nKvHeads: 1,
    vocabSize: emb.length,
  };
  const eye = Float32Array.of(1, 0, 0, 1);
  const zeros = (n: number) => new Float32Array(n);
  const tokenEmbedding = Float32Array.from(emb.flat());
  const layer = () => ({
    attnNorm: Float32Array.of(1, 1),
    wq: zeros(4),
    wk: zeros(4),
    wv: eye,
    wo: eye,
    ffnNorm: Float32Array.of(1, 1),
    w1: zeros(2),
    w2: zeros(2),
    w3: zeros(2),
  });
  return {
    config: c,
    rope: "adjacent-pairs",
    tokenEmbedding,
    layers: [layer(), layer()],
    finalNorm: Float32Array.of(1, 1),
    classifier: tokenEmbedding,
  };
};

Deno.test("hand-worked case: overwrite at layer inputs in [start, exit), then causal mixing", () => {
  const emb = [[1, 2], [-1, 0.5], [0.3, -2], [2, 1]];
  const model = uniformModel(emb);
  const unit = ([a, b]: number[]) =>
    [a, b].map((v) => v / Math.sqrt((a * a + b * b) / 2 + 1e-5));
  const layer = (h: number[][]) =>
    h.map((x, i) => {
      const seen = h.slice(0, i + 1).map(unit);
      return x.map((v, k) =>
        v + seen.reduce((s, u) => s + u[k], 0) / seen.length
      );
    });
  // Row 0 is padding; the placeholder sits at index 2, the last token at 4.
  const batch = {
    ids: Int32Array.of(0, 0, 1, 2, 3),
    mask: Uint8Array.of(0, 1, 1, 1, 1),
    batch: 1,
    seq: 5,
  };
  for (const [start, exit] of [[1, 2], [0, 2]]) {
    let h = [emb[0], emb[1], emb[2], emb[3]]; // the real tokens, placeholder at 1
    const expected: number[][][] = [];
    for (let l = 0; l < 2; l++) {
      if (l >= start && l < exit) h = h.map((x, i) => (i === 1 ? h[3] : x));
      expected.push(h);
      h = layer(h);
    }
    expected.push(h);
    const tp = hiddenStates(model, batch, {
      positions: Int32Array.of(2),
      start,
      exit,
    });
    expected.forEach((rows, l) =>
      rows.forEach((x, i) => {
        const got = rowOf(tp, l, 0, i + 1);
        assert.ok(
          Math.abs(got[0] - x[0]) < 1e-6 && Math.abs(got[1] - x[1]) < 1e-6,
          `[${start}, ${exit}) l${l} t${i}`,
        );
      })
    );
  }
});
