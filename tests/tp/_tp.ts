import { Effect } from "effect";
import type { PaddedBatch } from "../../src/tokenize/pad_batch.ts";
import type { HiddenStates } from "../../src/forward/hidden_states.ts";
import { Forward, forwardLayer } from "../../src/forward/service.ts";
import type { LayerRange } from "../../src/onnx/tp/graph.ts";
import { tokenPrependingFile } from "../../src/onnx/tp/rewrite_file.ts";

// onnxruntime keeps its thread pools (native) and wasm instance alive across
// tests by design, which the sanitizers would report as leaks.
export const opts = { sanitizeOps: false, sanitizeResources: false };

export const BACKENDS = ["native", "wasm"] as const;

/** Every hidden state of `batch` through the forward service on one backend. */
export const statesOn = (
  backend: "native" | "wasm",
  path: string,
  batch: PaddedBatch,
): Promise<HiddenStates> =>
  Effect.runPromise(
    Effect.scoped(Effect.gen(function* () {
      const model = yield* (yield* Forward).load(path);
      return yield* model.run(batch);
    })).pipe(Effect.provide(forwardLayer(backend, { threads: 1 }))),
  );

export const tpPath = async (
  source: string,
  range: LayerRange,
): Promise<string> =>
  (await Effect.runPromise(tokenPrependingFile(source, range))).path;

/** A one-hot [batch, seq] mask at `positions[r]` of each row. */
export const oneHot = (
  positions: ArrayLike<number>,
  seq: number,
): Float32Array => {
  const m = new Float32Array(positions.length * seq);
  for (let r = 0; r < positions.length; r++) m[r * seq + positions[r]] = 1;
  return m;
};

/** Largest |a − b| over the real-token rows of [count, batch, seq, dim] states. */
export const maxRealDiff = (
  a: HiddenStates,
  b: { readonly data: Float32Array },
  mask: Uint8Array,
): number => {
  const { count, batch, seq, dim } = a;
  if (a.data.length !== b.data.length) {
    throw new RangeError(`lengths ${a.data.length} and ${b.data.length}`);
  }
  let max = 0;
  for (let l = 0; l < count; l++) {
    for (let i = 0; i < batch * seq; i++) {
      if (mask[i] !== 1) continue;
      const at = (l * batch * seq + i) * dim;
      for (let j = 0; j < dim; j++) {
        const d = Math.abs(a.data[at + j] - b.data[at + j]);
        if (!(d <= max)) max = Number.isNaN(d) ? Infinity : d;
      }
    }
  }
  return max;
};
