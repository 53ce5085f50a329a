import { Effect } from "effect";
import { padBatch, type PaddedBatch } from "../../src/tokenize/pad_batch.ts";
import type { NormForm } from "../../src/onnx/fixture/emit.ts";
import { buildFixture, type Fixture } from "../../src/onnx/fixture/build.ts";
import { TINY_CONFIGS } from "../../src/onnx/fixture/config.ts";

/** The small fixtures every test runs: each architecture, each norm form. */
export const CASES: ReadonlyArray<{
  readonly label: string;
  readonly arch: keyof typeof TINY_CONFIGS;
  readonly norm: NormForm;
  readonly quantized?: boolean;
}> = [
  { label: "bert LayerNormalization", arch: "bert", norm: "op" },
  { label: "bert decomposed LayerNorm", arch: "bert", norm: "decomposed" },
  { label: "gpt2", arch: "gpt2", norm: "op" },
  { label: "llama decomposed RMSNorm", arch: "llama", norm: "decomposed" },
  { label: "llama fused skip norms", arch: "llama", norm: "op" },
];

export const SEED = 11;

export const tinyFixture = (
  arch: keyof typeof TINY_CONFIGS,
  norm: NormForm,
  quantized = false,
): Promise<Fixture> =>
  Effect.runPromise(
    buildFixture(TINY_CONFIGS[arch], { seed: SEED, norm, quantized }),
  );

/** Two rows of different lengths: right-padded for encoders, left-padded for decoders. */
export const batchFor = (arch: string): PaddedBatch => {
  const b = padBatch(
    [Uint32Array.of(2, 17, 33, 8, 91, 3), Uint32Array.of(2, 45, 3)],
    0,
    arch === "bert" ? "right" : "left",
  );
  return arch === "bert"
    ? { ...b, typeIds: Int32Array.of(0, 0, 0, 1, 1, 1, 0, 0, 1, 0, 0, 0) }
    : b;
};

/** Largest absolute difference; throws on a length mismatch. */
export const maxAbsDiff = (
  a: ArrayLike<number>,
  b: ArrayLike<number>,
): number => {
  if (a.length !== b.length) {
    throw new RangeError(`lengths ${a.length} and ${b.length} differ`);
  }
  let max = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (!(d <= max)) max = Number.isNaN(d) ? Infinity : d;
  }
  return max;
};
