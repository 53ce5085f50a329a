import { Effect } from "effect";
import {
  HEADER_BYTES,
  headSize,
  kvDim,
  type LlamaConfig,
  parseHeader,
} from "./config.ts";
import { Llama2cFormatError } from "./errors.ts";
import type { LayerWeights, LlamaWeights } from "./weights.ts";

/** Number of fp32 values llama2.c reads after the header, in file order. */
export const checkpointFloats = (c: LlamaConfig): number => {
  const q = c.nHeads * headSize(c);
  const perLayer = 2 * c.dim + 2 * q * c.dim + 2 * kvDim(c) * c.dim +
    3 * c.hiddenDim * c.dim;
  return c.vocabSize * c.dim + c.nLayers * perLayer + c.dim +
    c.seqLen * headSize(c) + (c.sharedClassifier ? 0 : c.vocabSize * c.dim);
};

/**
 * Reads a legacy (v0) llama2.c checkpoint: the header, then fp32 tensors
 * grouped by kind across layers (all rms_att, then all wq, …), the unused
 * freq_cis tables, and wcls when the header's vocab_size is negative.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Effect } from "effect";
 * import { parseCheckpoint } from "./checkpoint.ts";
 * const exit = Effect.runSyncExit(parseCheckpoint(new Uint8Array(10), "x.bin"));
 * assert.equal(exit._tag, "Failure");
 * ```
 */
export const parseCheckpoint = (
  bytes: Uint8Array,
  file: string,
): Effect.Effect<LlamaWeights, Llama2cFormatError> => {
  const config = parseHeader(bytes, file);
  if (config instanceof Llama2cFormatError) return Effect.fail(config);
  const expected = HEADER_BYTES + 4 * checkpointFloats(config);
  if (bytes.byteLength !== expected) {
    return Effect.fail(
      new Llama2cFormatError({
        file,
        reason: `${
          bytes.byteLength < expected ? "truncated" : "trailing bytes"
        }: ${bytes.byteLength} bytes, the header implies ${expected}`,
      }),
    );
  }
  return Effect.succeed(layoutWeights(config, readFloats(bytes)));
};

// A DataView copy rather than a Float32Array view: the payload need not be
// 4-byte aligned in the caller's buffer, and the file is little-endian
// whatever the host is.
const readFloats = (bytes: Uint8Array): Float32Array => {
  const n = (bytes.byteLength - HEADER_BYTES) / 4;
  const view = new DataView(bytes.buffer, bytes.byteOffset + HEADER_BYTES);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = view.getFloat32(4 * i, true);
  return out;
};

const layoutWeights = (c: LlamaConfig, all: Float32Array): LlamaWeights => {
  let at = 0;
  const take = (n: number) => all.subarray(at, at += n);
  const perLayer = (n: number) =>
    Array.from({ length: c.nLayers }, () => take(n));
  const q = c.nHeads * headSize(c);
  const tokenEmbedding = take(c.vocabSize * c.dim);
  const attnNorm = perLayer(c.dim);
  const wq = perLayer(q * c.dim);
  const wk = perLayer(kvDim(c) * c.dim);
  const wv = perLayer(kvDim(c) * c.dim);
  const wo = perLayer(c.dim * q);
  const ffnNorm = perLayer(c.dim);
  const w1 = perLayer(c.hiddenDim * c.dim);
  const w2 = perLayer(c.dim * c.hiddenDim);
  const w3 = perLayer(c.hiddenDim * c.dim);
  const finalNorm = take(c.dim);
  take(c.seqLen * headSize(c)); // freq_cis_real and _imag: recomputed instead
  const classifier = c.sharedClassifier
    ? tokenEmbedding
    : take(c.vocabSize * c.dim);
  const layers: LayerWeights[] = attnNorm.map((_, l) => ({
    attnNorm: attnNorm[l],
    wq: wq[l],
    wk: wk[l],
    wv: wv[l],
    wo: wo[l],
    ffnNorm: ffnNorm[l],
    w1: w1[l],
    w2: w2[l],
    w3: w3[l],
  }));
  return {
    config: c,
    rope: "adjacent-pairs",
    tokenEmbedding,
    layers,
    finalNorm,
    classifier,
  };
};
