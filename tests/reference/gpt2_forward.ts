import { type PaddedBatch, positionIds } from "../../src/tokenize/pad_batch.ts";
import type { HiddenStates } from "../../src/forward/hidden_states.ts";
import type { Gpt2Weights } from "../../src/onnx/fixture/weights.ts";
import {
  add,
  attention,
  geluTanh,
  layerNorm,
  linear,
  mapInPlace,
} from "./ops.ts";

/** Edits layer `layer`'s input [seq, dim] of batch row `row` in place. */
export type RowOverwrite = (
  layer: number,
  row: number,
  x: Float32Array,
) => void;

/** Causal attention over a row whose padding may sit on the left. */
export const causalSeen =
  (b: PaddedBatch, r: number) => (i: number, j: number) =>
    j <= i && b.mask[r * b.seq + j] === 1;

/** Splits [seq, 3d] into three [seq, d] arrays. */
const splitQkv = (qkv: Float32Array, seq: number, d: number): Float32Array[] =>
  [0, 1, 2].map((part) => {
    const out = new Float32Array(seq * d);
    for (let i = 0; i < seq; i++) {
      out.set(
        qkv.subarray(i * 3 * d + part * d, i * 3 * d + (part + 1) * d),
        i * d,
      );
    }
    return out;
  });

/**
 * The GPT-2 fixture's forward pass in plain TypeScript (an empty KV cache,
 * position ids from the mask). The last state is after `ln_f`, or the raw
 * residual stream for `final: "residual"`. `overwrite` may edit each
 * layer's input in place before the layer reads it (and before it is
 * recorded as that hidden state), as Token Prepending does.
 */
export const gpt2Forward = (
  w: Gpt2Weights,
  b: PaddedBatch,
  final: "normed" | "residual" = "normed",
  overwrite?: RowOverwrite,
): HiddenStates => {
  const c = w.config;
  const d = c.hidden;
  const rowSize = b.seq * d;
  const pos = positionIds(b);
  const data = new Float32Array((c.layers + 1) * b.batch * rowSize);
  for (let r = 0; r < b.batch; r++) {
    let x: Float32Array = new Float32Array(rowSize);
    for (let i = 0; i < b.seq; i++) {
      const id = b.ids[r * b.seq + i];
      const p = pos[r * b.seq + i];
      for (let j = 0; j < d; j++) {
        x[i * d + j] = w.wte[id * d + j] + w.wpe[p * d + j];
      }
    }
    overwrite?.(0, r, x);
    data.set(x, r * rowSize);
    w.layers.forEach((l, n) => {
      const [q, k, v] = splitQkv(
        linear(layerNorm(x, l.ln1.g, l.ln1.b!, c.eps), b.seq, l.qkv),
        b.seq,
        d,
      );
      const ctx = attention(
        q,
        k,
        v,
        b.seq,
        b.seq,
        c.heads,
        c.heads,
        d / c.heads,
        causalSeen(b, r),
      );
      const r1 = add(linear(ctx, b.seq, l.proj), x);
      const up = mapInPlace(
        linear(layerNorm(r1, l.ln2.g, l.ln2.b!, c.eps), b.seq, l.fc),
        geluTanh,
      );
      x = add(r1, linear(up, b.seq, l.fcProj));
      if (n + 1 < c.layers) overwrite?.(n + 1, r, x);
      const out = n === c.layers - 1 && final === "normed"
        ? layerNorm(x, w.lnF.g, w.lnF.b!, c.eps)
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
