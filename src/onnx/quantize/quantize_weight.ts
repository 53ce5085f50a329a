/** The 8-bit type quantized weights are stored in. */
export type WeightType = "int8" | "uint8";

/** An 8-bit weight matrix and what dequantizes it: `w ≈ (q − zeroPoint) · scale`. */
export interface QuantizedWeight {
  /** [K, N] row-major, int8 or uint8 bytes. */
  readonly data: Uint8Array;
  /** One scale per column (N), or one for the tensor. */
  readonly scale: Float32Array;
  /** Zero points, as many as scales (int8 or uint8 bytes). */
  readonly zeroPoint: Uint8Array;
}

/**
 * Quantizes a [K, N] float matrix (row-major; the MatMul's right operand)
 * per output column or per tensor. `int8` is symmetric (zero point 0,
 * range ±127, as onnxruntime's quantizer writes it); `uint8` is asymmetric
 * over [min, max] stretched to include zero, as ONNX requires. Every value
 * dequantizes to within half a step (`scale / 2`) of the original.
 */
export const quantizeWeight = (
  w: Float32Array,
  k: number,
  n: number,
  type: WeightType,
  perChannel: boolean,
): QuantizedWeight => {
  const groups = perChannel ? n : 1;
  const lo = new Float32Array(groups);
  const hi = new Float32Array(groups);
  for (let r = 0; r < k; r++) {
    const row = r * n;
    for (let c = 0; c < n; c++) {
      const g = perChannel ? c : 0;
      const v = w[row + c];
      if (v < lo[g]) lo[g] = v;
      if (v > hi[g]) hi[g] = v;
    }
  }
  const scale = new Float32Array(groups);
  const zp = new Float32Array(groups);
  const zeroPoint = new Uint8Array(groups);
  for (let g = 0; g < groups; g++) {
    if (type === "int8") {
      scale[g] = Math.max(-lo[g], hi[g]) / 127 || 1;
    } else {
      scale[g] = (hi[g] - lo[g]) / 255 || 1;
      zp[g] = Math.min(255, Math.max(0, Math.round(-lo[g] / scale[g])));
      zeroPoint[g] = zp[g];
    }
  }
  const data = new Uint8Array(k * n);
  const signed = new Int8Array(data.buffer);
  for (let r = 0; r < k; r++) {
    const row = r * n;
    for (let c = 0; c < n; c++) {
      const g = perChannel ? c : 0;
      const v = Math.round(w[row + c] / scale[g]);
      if (type === "int8") {
        signed[row + c] = v < -127 ? -127 : v > 127 ? 127 : v;
      } else {
        const u = v + zp[g];
        data[row + c] = u < 0 ? 0 : u > 255 ? 255 : u;
      }
    }
  }
  return { data, scale, zeroPoint };
};
