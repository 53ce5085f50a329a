import { Llama2cFormatError } from "./errors.ts";

/**
 * The shape of a Llama-2 model as llama2.c's legacy (v0) header describes it,
 * plus the two constants llama2.c hard-codes (RMSNorm epsilon, RoPE base).
 */
export interface LlamaConfig {
  readonly dim: number;
  readonly hiddenDim: number;
  readonly nLayers: number;
  readonly nHeads: number;
  readonly nKvHeads: number;
  readonly vocabSize: number;
  /** Longest sequence the model was trained on (llama2.c's KV-cache length). */
  readonly seqLen: number;
  /** Whether the classifier is the token-embedding table (header vocab > 0). */
  readonly sharedClassifier: boolean;
  readonly normEps: number;
  readonly ropeTheta: number;
}

export const headSize = (c: LlamaConfig): number => c.dim / c.nHeads;
export const kvDim = (c: LlamaConfig): number => headSize(c) * c.nKvHeads;

/** Bytes of the legacy header: seven little-endian int32. */
export const HEADER_BYTES = 28;

// The versioned exports (export.py --version 1/2) start with this magic; they
// are a different layout, so say so instead of reporting absurd dimensions.
const VERSIONED_MAGIC = 0x616b3432;

/** Decodes and validates the seven-int32 header. */
export const parseHeader = (
  bytes: Uint8Array,
  file: string,
): LlamaConfig | Llama2cFormatError => {
  if (bytes.byteLength < HEADER_BYTES) {
    return new Llama2cFormatError({
      file,
      reason:
        `truncated header: ${bytes.byteLength} bytes, expected at least ${HEADER_BYTES}`,
    });
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, HEADER_BYTES);
  const int = (i: number) => view.getInt32(4 * i, true);
  if (view.getUint32(0, true) === VERSIONED_MAGIC) {
    return new Llama2cFormatError({
      file,
      reason: `versioned export (magic "ak42", version ${
        int(1)
      }); only the legacy v0 layout is supported`,
    });
  }
  const fields = Array.from({ length: 7 }, (_, i) => int(i));
  const [dim, hiddenDim, nLayers, nHeads, nKvHeads, vocab, seqLen] = fields;
  const bad = (reason: string) =>
    new Llama2cFormatError({
      file,
      reason: `header [${fields.join(", ")}]: ${reason}`,
    });
  if (
    !(dim > 0 && hiddenDim > 0 && nLayers > 0 && nHeads > 0 && nKvHeads > 0 &&
      vocab !== 0 && seqLen > 0)
  ) {
    return bad("a size is zero or negative (only vocab_size may be negative)");
  }
  if (dim % nHeads !== 0 || (dim / nHeads) % 2 !== 0) {
    return bad(`dim ${dim} is not n_heads ${nHeads} × an even head size`);
  }
  if (nHeads % nKvHeads !== 0) {
    return bad(`n_heads ${nHeads} is not a multiple of n_kv_heads ${nKvHeads}`);
  }
  return {
    dim,
    hiddenDim,
    nLayers,
    nHeads,
    nKvHeads,
    vocabSize: Math.abs(vocab),
    seqLen,
    sharedClassifier: vocab > 0,
    normEps: 1e-5,
    ropeTheta: 10000,
  };
};
