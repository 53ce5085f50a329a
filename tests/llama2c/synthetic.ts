import type { LlamaConfig } from "../../src/llama2c/mod.ts";
import { checkpointFloats } from "../../src/llama2c/mod.ts";

/** A model small enough to reason about: 2 layers, 4 heads sharing 2 kv heads. */
export const tinyConfig: LlamaConfig = {
  dim: 8,
  hiddenDim: 12,
  nLayers: 2,
  nHeads: 4,
  nKvHeads: 2,
  vocabSize: 16,
  seqLen: 32,
  sharedClassifier: true,
  normEps: 1e-5,
  ropeTheta: 10000,
};

/** A llama2.c v0 file: the header (vocab negated when unshared), then `floats`. */
export const checkpointBytes = (
  c: LlamaConfig,
  floats: Float32Array,
): Uint8Array => {
  const out = new Uint8Array(28 + 4 * floats.length);
  const view = new DataView(out.buffer);
  const vocab = c.sharedClassifier ? c.vocabSize : -c.vocabSize;
  [c.dim, c.hiddenDim, c.nLayers, c.nHeads, c.nKvHeads, vocab, c.seqLen]
    .forEach((v, i) => view.setInt32(4 * i, v, true));
  floats.forEach((v, i) => view.setFloat32(28 + 4 * i, v, true));
  return out;
};

/** The payload with value i at float i, so a tensor's first value is its file offset. */
export const countingPayload = (c: LlamaConfig): Float32Array =>
  Float32Array.from({ length: checkpointFloats(c) }, (_, i) => i);
