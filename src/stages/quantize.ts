import { Effect, Schema } from "effect";
import { sectionArray } from "../artifact/artifact_section.ts";
import { type Embeddings, fromData } from "../embeddings.ts";
import { FitSource } from "./fit_source.ts";
import type { SentenceStepModule } from "./stage_module.ts";
import { checkWidth, fittingSample } from "./step_sample.ts";

/**
 * Output quantization as sentence-transformers' `quantize_embeddings`:
 * - `int8`: each dimension's range [min, max] calibrated on `fitOn` (default
 *   the corpus) cut into 255 steps, `trunc((x − min) / step − 128)`; values
 *   outside the calibrated range are clamped to [−128, 127] (NumPy's cast
 *   would wrap them around);
 * - `binary`: the signs packed 8 to a byte, most significant bit first,
 *   as int8 (`packbits(x > 0) − 128`), dim/8 values (last byte zero-padded);
 * - `ubinary`: the same bytes unsigned.
 * Values are integers carried in the float batch; the pipeline's output
 * precision says how to encode them.
 */
export const QuantizeStage: Schema.TaggedStruct<"quantize", {
  readonly precision: Schema.Literals<readonly ["int8", "binary", "ubinary"]>;
  readonly fitOn: Schema.optionalKey<typeof FitSource>;
}> = Schema.TaggedStruct("quantize", {
  precision: Schema.Literals(["int8", "binary", "ubinary"]),
  fitOn: Schema.optionalKey(FitSource),
});
/** A `quantize` stage declaration, decoded. */
export type QuantizeStage = typeof QuantizeStage.Type;

/** Quantizes the output to `precision`. */
export const quantize = (
  precision: QuantizeStage["precision"],
  fitOn?: FitSource,
): QuantizeStage => ({
  _tag: "quantize",
  precision,
  ...(fitOn ? { fitOn } : {}),
});

/** int8: per-dimension start and step; binary: nothing fitted. */
export interface FittedQuantize {
  readonly precision: QuantizeStage["precision"];
  readonly dim: number;
  readonly starts?: Float32Array;
  readonly steps?: Float32Array;
}

const int8 = (f: FittedQuantize, x: Embeddings): Embeddings => {
  checkWidth("quantize", f.dim, x);
  const out = new Float32Array(x.data.length);
  const starts = f.starts!, steps = f.steps!, d = x.dim;
  for (let r = 0; r < x.rows; r++) {
    const o = r * d;
    for (let j = 0; j < d; j++) {
      // As NumPy's astype(int8): truncated toward zero after the shift.
      const q = steps[j] > 0
        ? Math.trunc((x.data[o + j] - starts[j]) / steps[j] - 128) | 0
        : -128;
      out[o + j] = q < -128 ? -128 : q > 127 ? 127 : q;
    }
  }
  return fromData(x.rows, d, out);
};

const packedSigns = (x: Embeddings, offset: number): Embeddings => {
  const bytes = Math.ceil(x.dim / 8);
  const out = new Float32Array(x.rows * bytes);
  for (let r = 0; r < x.rows; r++) {
    const o = r * x.dim;
    for (let b = 0; b < bytes; b++) {
      let v = 0;
      for (let bit = 0; bit < 8; bit++) {
        const j = b * 8 + bit;
        if (j < x.dim && x.data[o + j] > 0) v |= 0x80 >> bit;
      }
      out[r * bytes + b] = v + offset;
    }
  }
  return fromData(x.rows, bytes, out);
};

export const quantizeModule: SentenceStepModule<QuantizeStage, FittedQuantize> =
  {
    tag: "quantize",
    phase: "sentence",
    schema: QuantizeStage,
    sources: (d) => d.precision === "int8" ? [d.fitOn ?? "corpus"] : [],
    needs: () => [],
    notPortable: () => undefined,
    prefix: "breaks",
    precision: (d) => d.precision === "ubinary" ? "uint8" : "int8",
    fit: (d, input) =>
      d.precision !== "int8"
        ? Effect.succeed({ precision: d.precision, dim: input.dim })
        : Effect.map(fittingSample("quantize", input, 1), (x) => {
          const starts = new Float32Array(x.dim).fill(Infinity);
          const max = new Float32Array(x.dim).fill(-Infinity);
          for (let r = 0; r < x.rows; r++) {
            for (let j = 0; j < x.dim; j++) {
              const v = x.data[r * x.dim + j];
              if (v < starts[j]) starts[j] = v;
              if (v > max[j]) max[j] = v;
            }
          }
          const steps = Float32Array.from(
            starts,
            (s, j) => (max[j] - s) / 255,
          );
          return { precision: "int8", dim: x.dim, starts, steps };
        }),
    apply: (f, x) =>
      f.precision === "int8"
        ? int8(f, x)
        : packedSigns(x, f.precision === "binary" ? -128 : 0),
    outputDim: (f) => f.precision === "int8" ? f.dim : Math.ceil(f.dim / 8),
    artifact: {
      encode: (f) => ({
        meta: {},
        arrays: f.starts && f.steps
          ? { starts: f.starts, steps: f.steps }
          : {} as Record<string, Float32Array>,
      }),
      decode: (s, dim, d) =>
        d.precision === "int8"
          ? {
            precision: "int8",
            dim,
            starts: sectionArray(s, "starts", Float32Array, dim),
            steps: sectionArray(s, "steps", Float32Array, dim),
          }
          : { precision: d.precision, dim },
    },
  };
