import { lastTokenIndex, positionsOf, type TokenBatch } from "./batch.ts";
import { attend, finishLayer, projectQkv, scratchFor } from "./block.ts";
import { kvDim } from "./config.ts";
import { ropeTable } from "./rope.ts";
import type { LlamaWeights } from "./weights.ts";

/** The residual stream at every layer boundary: [nLayers + 1, batch, seq, dim]. */
export interface HiddenStates {
  /**
   * Entry l < nLayers is the input of layer l (l = 0: the token embeddings);
   * entry nLayers is the last layer's output, before the final RMSNorm (unlike
   * Hugging Face's last `hidden_states`, which is normed).
   */
  readonly data: Float32Array;
  readonly shape: readonly [number, number, number, number];
}

/**
 * Token Prepending (METHODS §4): at the input of every layer l with
 * start ≤ l < exit, row `positions[b]` of batch row b is overwritten by that
 * same input's last-token row. The recorded hidden state of such a layer is
 * the overwritten input, i.e. what the layer consumed.
 */
export interface TokenPrepending {
  /** Per batch row, the index of the `<PST>` placeholder in the padded row. */
  readonly positions: Int32Array;
  readonly start: number;
  readonly exit: number;
}

/**
 * The plain (or Token-Prepending) forward of a left-padded batch, layer by
 * layer, returning every layer's hidden states. A padded row computes exactly
 * what the same sequence alone computes: positions count real tokens only and
 * padding keys are skipped (a padding query sees only itself; its rows are
 * finite but meaningless).
 *
 * @example
 * ```ts ignore
 * const h = hiddenStates(weights, leftPad([[1, 403, 407], [1, 261]], 0));
 * h.shape; // [6, 2, 3, 64] for stories260K
 * ```
 */
export const hiddenStates = (
  w: LlamaWeights,
  batch: TokenBatch,
  prepending?: TokenPrepending,
): HiddenStates => {
  const c = w.config;
  const { batch: rows, seq, ids, mask } = batch;
  checkBatch(w, batch, prepending);
  const d = c.dim;
  const kvd = kvDim(c);
  const plane = rows * seq * d;
  const data = new Float32Array((c.nLayers + 1) * plane);
  for (let i = 0; i < rows * seq; i++) {
    data.set(w.tokenEmbedding.subarray(ids[i] * d, (ids[i] + 1) * d), i * d);
  }
  const pos = positionsOf(batch);
  const rope = ropeTable(d / c.nHeads, Math.max(seq, 1), c.ropeTheta);
  const s = scratchFor(c, seq);
  const q = new Float32Array(rows * seq * d);
  const keys = new Float32Array(rows * seq * kvd);
  const values = new Float32Array(rows * seq * kvd);
  for (let l = 0; l < c.nLayers; l++) {
    const input = l * plane;
    if (prepending && l >= prepending.start && l < prepending.exit) {
      for (let r = 0; r < rows; r++) {
        const from = input + (r * seq + lastTokenIndex(batch, r)) * d;
        data.copyWithin(
          input + (r * seq + prepending.positions[r]) * d,
          from,
          from + d,
        );
      }
    }
    for (let i = 0; i < rows * seq; i++) {
      const target = { q, qAt: i * d, k: keys, v: values, kvAt: i * kvd };
      projectQkv(w, l, data, input + i * d, pos[i], rope, s, target);
    }
    const output = input + plane;
    data.copyWithin(output, input, output);
    for (let r = 0; r < rows; r++) {
      for (let t = 0; t < seq; t++) {
        const i = r * seq + t;
        const range = {
          first: r * seq,
          count: t + 1,
          mask,
          maskAt: r * seq,
          self: t,
        };
        attend(c, q, i * d, keys, values, range, s);
        finishLayer(w, l, data, output + i * d, s);
      }
    }
  }
  return { data, shape: [c.nLayers + 1, rows, seq, d] };
};

const checkBatch = (
  w: LlamaWeights,
  b: TokenBatch,
  tp: TokenPrepending | undefined,
): void => {
  const n = b.batch * b.seq;
  if (b.ids.length !== n || b.mask.length !== n) {
    throw new RangeError(`ids and mask must hold batch × seq = ${n} entries`);
  }
  for (let i = 0; i < n; i++) {
    if (!(b.ids[i] >= 0 && b.ids[i] < w.config.vocabSize)) {
      throw new RangeError(
        `token id ${b.ids[i]} at ${i} is outside [0, ${w.config.vocabSize})`,
      );
    }
  }
  if (!tp) return;
  const layers = w.config.nLayers;
  if (!(tp.start >= 0 && tp.start <= tp.exit && tp.exit <= layers)) {
    throw new RangeError(
      `Token Prepending layers [${tp.start}, ${tp.exit}) must lie within [0, ${layers}]`,
    );
  }
  if (tp.positions.length !== b.batch) {
    throw new RangeError(
      `Token Prepending needs one position per row (${b.batch})`,
    );
  }
  for (let r = 0; r < b.batch; r++) {
    const p = tp.positions[r];
    if (!(p >= 0 && p < b.seq && b.mask[r * b.seq + p] === 1)) {
      throw new RangeError(
        `row ${r}: placeholder position ${p} is not a real token`,
      );
    }
  }
};
