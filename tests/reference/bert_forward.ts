import type { PaddedBatch } from "../../src/tokenize/pad_batch.ts";
import type { HiddenStates } from "../../src/forward/hidden_states.ts";
import type { BertWeights } from "../../src/onnx/fixture/weights.ts";
import {
  add,
  attention,
  geluExact,
  layerNorm,
  linear,
  mapInPlace,
} from "./ops.ts";

/**
 * The BERT fixture's forward pass in plain TypeScript, independent of ONNX
 * Runtime: the expectation the exported graph and its rewrite are tested
 * against. Positions are 0..seq-1 on every row (right padding).
 */
export const bertForward = (w: BertWeights, b: PaddedBatch): HiddenStates => {
  const c = w.config;
  const d = c.hidden;
  const dh = d / c.heads;
  const rowSize = b.seq * d;
  const data = new Float32Array((c.layers + 1) * b.batch * rowSize);
  for (let r = 0; r < b.batch; r++) {
    const emb = new Float32Array(rowSize);
    for (let i = 0; i < b.seq; i++) {
      const id = b.ids[r * b.seq + i];
      const tt = b.typeIds?.[r * b.seq + i] ?? 0;
      for (let j = 0; j < d; j++) {
        emb[i * d + j] =
          Math.fround(w.word[id * d + j] + w.tokenType[tt * d + j]) +
          w.position[i * d + j];
      }
    }
    let x = layerNorm(emb, w.embNorm.g, w.embNorm.b!, c.eps);
    data.set(x, r * rowSize);
    const seen = (_i: number, j: number) => b.mask[r * b.seq + j] === 1;
    w.layers.forEach((l, n) => {
      const ctx = attention(
        linear(x, b.seq, l.q),
        linear(x, b.seq, l.k),
        linear(x, b.seq, l.v),
        b.seq,
        b.seq,
        c.heads,
        c.heads,
        dh,
        seen,
      );
      const h = layerNorm(
        add(linear(ctx, b.seq, l.attnOut), x),
        l.attnNorm.g,
        l.attnNorm.b!,
        c.eps,
      );
      const up = mapInPlace(linear(h, b.seq, l.up), geluExact);
      x = layerNorm(
        add(linear(up, b.seq, l.down), h),
        l.outNorm.g,
        l.outNorm.b!,
        c.eps,
      );
      data.set(x, ((n + 1) * b.batch + r) * rowSize);
    });
  }
  return {
    count: c.layers + 1,
    batch: b.batch,
    seq: b.seq,
    dim: d,
    data,
    mask: b.mask,
  };
};
