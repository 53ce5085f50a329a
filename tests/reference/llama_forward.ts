import { type PaddedBatch, positionIds } from "../../src/tokenize/pad_batch.ts";
import type { HiddenStates } from "../../src/forward/hidden_states.ts";
import type { LlamaWeights } from "../../src/onnx/fixture/weights.ts";
import { add, attention, linear, rmsNorm, silu } from "./ops.ts";
import { causalSeen, type RowOverwrite } from "./gpt2_forward.ts";

/** Rotates each head of [seq, heads·dh] in place by its position (rotate-half RoPE). */
const rope = (
  x: Float32Array,
  seq: number,
  heads: number,
  dh: number,
  pos: Int32Array,
  offset: number,
  inv: Float32Array,
): Float32Array => {
  const half = dh / 2;
  for (let i = 0; i < seq; i++) {
    for (let t = 0; t < half; t++) {
      const angle = Math.fround(pos[offset + i] * inv[t]);
      const cos = Math.cos(angle);
      const sin = Math.sin(angle);
      for (let h = 0; h < heads; h++) {
        const o = (i * heads + h) * dh;
        const a = x[o + t];
        const b = x[o + t + half];
        x[o + t] = a * cos - b * sin;
        x[o + t + half] = b * cos + a * sin;
      }
    }
  }
  return x;
};

/**
 * The Llama fixture's forward pass in plain TypeScript (an empty KV cache,
 * position ids from the mask). The last state is after the final RMSNorm,
 * or the raw residual stream for `final: "residual"`. `overwrite` may edit
 * each layer's input in place before the layer reads it (and before it is
 * recorded as that hidden state), as Token Prepending does.
 */
export const llamaForward = (
  w: LlamaWeights,
  b: PaddedBatch,
  final: "normed" | "residual" = "normed",
  overwrite?: RowOverwrite,
): HiddenStates => {
  const c = w.config;
  const d = c.hidden;
  const rowSize = b.seq * d;
  const pos = positionIds(b);
  const inv = Float32Array.from(
    { length: c.headDim / 2 },
    (_, i) => 1 / c.ropeTheta ** ((2 * i) / c.headDim),
  );
  const data = new Float32Array((c.layers + 1) * b.batch * rowSize);
  for (let r = 0; r < b.batch; r++) {
    let x: Float32Array = new Float32Array(rowSize);
    for (let i = 0; i < b.seq; i++) {
      x.set(
        w.embed.subarray(
          b.ids[r * b.seq + i] * d,
          (b.ids[r * b.seq + i] + 1) * d,
        ),
        i * d,
      );
    }
    overwrite?.(0, r, x);
    data.set(x, r * rowSize);
    w.layers.forEach((l, n) => {
      const h = rmsNorm(x, l.inputNorm.g, c.eps);
      const q = rope(
        linear(h, b.seq, l.q),
        b.seq,
        c.heads,
        c.headDim,
        pos,
        r * b.seq,
        inv,
      );
      const k = rope(
        linear(h, b.seq, l.k),
        b.seq,
        c.kvHeads,
        c.headDim,
        pos,
        r * b.seq,
        inv,
      );
      const v = linear(h, b.seq, l.v);
      const ctx = attention(
        q,
        k,
        v,
        b.seq,
        b.seq,
        c.heads,
        c.kvHeads,
        c.headDim,
        causalSeen(b, r),
      );
      const resid = add(x, linear(ctx, b.seq, l.o));
      const h2 = rmsNorm(resid, l.postNorm.g, c.eps);
      const gate = linear(h2, b.seq, l.gate);
      const up = linear(h2, b.seq, l.up);
      for (let i = 0; i < gate.length; i++) gate[i] = silu(gate[i]) * up[i];
      x = add(resid, linear(gate, b.seq, l.down));
      if (n + 1 < c.layers) overwrite?.(n + 1, r, x);
      const out = n === c.layers - 1 && final === "normed"
        ? rmsNorm(x, w.norm.g, c.eps)
        : x;
      data.set(out, ((n + 1) * b.batch + r) * rowSize);
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
