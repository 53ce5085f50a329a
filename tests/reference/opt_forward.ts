import type { PaddedBatch } from "../../src/tokenize/pad_batch.ts";
import type { OptWeights } from "../../src/onnx/fixture/opt_weights.ts";
import { causalSeen } from "./gpt2_forward.ts";
import { add, attention, layerNorm, linear, mapInPlace } from "./ops.ts";

/** What {@link optForward} computes, as Hugging Face's `output_hidden_states` lays it out. */
export interface OptStates {
  /** States 0 … L−1 (each layer's input), [L, batch, seq, hidden]. */
  readonly layers: Float32Array;
  /** State L: after the final norm (if any) and `project_out` (if any), [batch, seq, lastDim]. */
  readonly last: Float32Array;
  /** The last state's width (`word_embed_proj_dim` when projected). */
  readonly lastDim: number;
}

/**
 * The OPT fixture's forward pass in plain TypeScript, written from Hugging
 * Face's `modeling_opt.py` (v4.31): token embedding, `project_in`, learned
 * positions at cumsum(mask)·mask − 1 + 2; each layer with
 * `do_layer_norm_before` true h += attn(LN(h)), h += fc2(relu(fc1(LN(h)))),
 * with it false h = LN(h + attn(h)), h = LN(h + fc2(relu(fc1(h)))); then the
 * final norm (pre-norm only) and `project_out`. Attention scales the query
 * by head_dim^−½ and sees earlier real tokens only.
 */
export const optForward = (w: OptWeights, b: PaddedBatch): OptStates => {
  const c = w.config;
  const d = c.hidden;
  const e = c.embedDim;
  const dh = d / c.heads;
  const rowSize = b.seq * d;
  const lastDim = w.projectOut ? w.projectOut.outDim : d;
  const layers = new Float32Array(c.layers * b.batch * rowSize);
  const last = new Float32Array(b.batch * b.seq * lastDim);
  const norm = (x: Float32Array, n: { g: Float32Array; b?: Float32Array }) =>
    layerNorm(x, n.g, n.b!, c.eps);
  for (let r = 0; r < b.batch; r++) {
    const tokens = new Float32Array(b.seq * e);
    for (let i = 0; i < b.seq; i++) {
      const id = b.ids[r * b.seq + i];
      tokens.set(w.embed.subarray(id * e, (id + 1) * e), i * e);
    }
    let x = w.projectIn ? linear(tokens, b.seq, w.projectIn) : tokens;
    let count = 0;
    for (let i = 0; i < b.seq; i++) {
      const m = b.mask[r * b.seq + i];
      count += m;
      const p = count * m - 1 + 2;
      for (let j = 0; j < d; j++) x[i * d + j] += w.positions[p * d + j];
    }
    layers.set(x, r * rowSize);
    w.layers.forEach((l, n) => {
      const h = c.preNorm ? norm(x, l.attnNorm) : x;
      const ctx = attention(
        linear(h, b.seq, l.q),
        linear(h, b.seq, l.k),
        linear(h, b.seq, l.v),
        b.seq,
        b.seq,
        c.heads,
        c.heads,
        dh,
        causalSeen(b, r),
      );
      let r1 = add(x, linear(ctx, b.seq, l.out));
      if (!c.preNorm) r1 = norm(r1, l.attnNorm);
      const up = mapInPlace(
        linear(c.preNorm ? norm(r1, l.ffnNorm) : r1, b.seq, l.fc1),
        (v) => Math.max(0, v),
      );
      let y = add(r1, linear(up, b.seq, l.fc2));
      if (!c.preNorm) y = norm(y, l.ffnNorm);
      x = y;
      if (n + 1 < c.layers) layers.set(x, ((n + 1) * b.batch + r) * rowSize);
    });
    if (w.finalNorm) x = norm(x, w.finalNorm);
    if (w.projectOut) x = linear(x, b.seq, w.projectOut);
    last.set(x, r * b.seq * lastDim);
  }
  return { layers, last, lastDim };
};
