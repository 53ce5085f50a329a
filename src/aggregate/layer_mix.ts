import type { LayerSelection } from "./layer_selection.ts";

/**
 * The weight of each hidden state 0…L under a layer selection, summing to 1.
 * Throws a RangeError naming the selection when it does not fit the model.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { layerWeights } from "./layer_mix.ts";
 * // 13 states (BERT-base): first-last = states 1 and 12, half each.
 * const w = layerWeights({ _tag: "firstLast" }, 13);
 * assert.equal(w[1], 0.5);
 * assert.equal(w[12], 0.5);
 * assert.deepEqual(layerWeights({ _tag: "layers", indices: [-1] }, 3), Float32Array.of(0, 0, 1));
 * ```
 */
export const layerWeights = (
  selection: LayerSelection,
  count: number,
): Float32Array => {
  const w = new Float32Array(count);
  const at = (i: number) => {
    const k = i < 0 ? count + i : i;
    if (!Number.isInteger(k) || k < 0 || k >= count) {
      throw new RangeError(
        `layer ${i} is out of range for a model with states 0..${count - 1}`,
      );
    }
    return k;
  };
  switch (selection._tag) {
    case "last":
      w[count - 1] = 1;
      return w;
    case "firstLast": {
      const first = at(selection.first ?? 1);
      w[first] += 0.5;
      w[count - 1] += 0.5;
      return w;
    }
    case "layers":
      for (const i of selection.indices) {
        w[at(i)] += 1 / selection.indices.length;
      }
      return w;
    case "mix": {
      if (selection.weights.length !== count) {
        throw new RangeError(
          `a mix needs ${count} weights (states 0..${
            count - 1
          }), got ${selection.weights.length}`,
        );
      }
      const total = selection.weights.reduce((s, x) => s + x, 0);
      if (!(total > 0)) throw new RangeError("a mix needs a positive weight");
      selection.weights.forEach((x, i) => (w[i] = x / total));
      return w;
    }
  }
};

/**
 * Σₖ wₖ·stateₖ over [count, n] data (n = batch·seq·dim) into one [n] array;
 * a single selected state is returned as a view, without copying.
 */
export const mixStates = (
  data: Float32Array,
  count: number,
  weights: Float32Array,
): Float32Array => {
  const n = data.length / count;
  const used = [...weights.keys()].filter((k) => weights[k] !== 0);
  if (used.length === 1 && weights[used[0]] === 1) {
    return data.subarray(used[0] * n, (used[0] + 1) * n);
  }
  const out = new Float32Array(n);
  for (const k of used) {
    const w = weights[k];
    const base = k * n;
    for (let i = 0; i < n; i++) out[i] += w * data[base + i];
  }
  return out;
};
