import {
  DataType,
  int64,
  type ModelProto,
  type NodeProto,
  type TensorProto,
} from "../proto.ts";
import {
  externalBytes,
  floatWeights,
  forgetExternalFiles,
  isExternal,
} from "./weights.ts";
import { quantizeWeight, type WeightType } from "./quantize_weight.ts";

/** How {@link quantizeDynamic} quantizes. */
export interface QuantizeOptions {
  /**
   * Weight element type: `int8` (default) is symmetric, zero point 0 — what
   * onnxruntime's `quantize_dynamic` writes by default; `uint8` is
   * asymmetric with the range stretched to include zero.
   */
  readonly weightType?: WeightType;
  /**
   * One scale (and zero point) per output column (default true): a column
   * with small weights keeps its precision when another has large ones.
   * `MatMulInteger` takes a 1-D `b_zero_point` of the column count, and the
   * scale is applied by the `Mul` after the `Cast`, which broadcasts over
   * the last dimension.
   */
  readonly perChannel?: boolean;
  /**
   * The source file's path: float weights kept in external-data files are
   * read beside it.
   */
  readonly source?: string;
  /**
   * Where the quantized weights go: inline in the graph (default), or into
   * one external-data file of this name (beside the written graph), whose
   * bytes come back as {@link Quantized.external}. The float initializers
   * the source kept in external data move into that file too, so the
   * quantized graph needs nothing outside its folder (onnxruntime refuses
   * external data reached through a link out of the model's folder).
   */
  readonly externalFile?: string;
}

/** A quantized model and what was done to it. */
export interface Quantized {
  /** The rewritten model. */
  readonly model: ModelProto;
  /** MatMul and Gemm nodes now integer. */
  readonly quantized: number;
  /** MatMul and Gemm nodes left float, with why. */
  readonly skipped: ReadonlyArray<string>;
  /** The external-data file's bytes, when {@link QuantizeOptions.externalFile} was given. */
  readonly external?: Uint8Array;
}

// External tensors start on 64-byte boundaries.
const ALIGN = 64;

const attrOf = (node: NodeProto, name: string) =>
  node.attribute?.find((a) => a.name === name);
const intAttr = (node: NodeProto, name: string, fallback: number) => {
  const a = attrOf(node, name);
  return a ? int64(a.i) : fallback;
};
const floatAttr = (node: NodeProto, name: string, fallback: number) => {
  const a = attrOf(node, name);
  return a?.f ?? fallback;
};

/** A [K, N] copy of a [N, K] matrix. */
const transpose = (w: Float32Array, n: number, k: number): Float32Array => {
  const t = new Float32Array(w.length);
  for (let i = 0; i < n; i++) {
    const row = i * k;
    for (let j = 0; j < k; j++) t[j * n + i] = w[row + j];
  }
  return t;
};

const floatTensor = (
  name: string,
  dims: number[],
  values: Float32Array,
): TensorProto => ({
  name,
  dims,
  dataType: DataType.FLOAT,
  rawData: new Uint8Array(values.buffer, values.byteOffset, values.byteLength),
});

/**
 * Dynamic quantization as onnxruntime's `quantize_dynamic` writes it: every
 * MatMul (and Gemm without `transA`) whose second input is a constant 2-D
 * float initializer becomes `DynamicQuantizeLinear` of the activation (one
 * per activation, shared by the MatMuls that read it), `MatMulInteger` with
 * the 8-bit weight, a `Cast` and two `Mul`s by the scales — the pattern
 * onnxruntime fuses into `MatMulIntegerToFloat` at graph optimisation. A
 * Gemm's `transB` is applied to the stored weight, `alpha` folded into the
 * scales, and `beta·C` added after. Other initializers (embeddings, norms)
 * stay float. Activations are uint8: `DynamicQuantizeLinear` has no other
 * output type.
 */
export const quantizeDynamic = (
  model: ModelProto,
  options: QuantizeOptions = {},
): Quantized => {
  const weightType = options.weightType ?? "int8";
  const perChannel = options.perChannel ?? true;
  const graph = model.graph ?? {};
  const inits = new Map(
    (graph.initializer ?? []).map((t) => [t.name ?? "", t]),
  );
  // How many nodes read each initializer: one also read elsewhere (a tied
  // embedding) is kept.
  const uses = new Map<string, number>();
  for (const node of graph.node ?? []) {
    for (const i of node.input ?? []) uses.set(i, (uses.get(i) ?? 0) + 1);
  }
  const added: TensorProto[] = [];
  const chunks: Uint8Array[] = [];
  let offset = 0;
  const place = (t: TensorProto): TensorProto => {
    if (options.externalFile === undefined) return t;
    const bytes = t.rawData!;
    const pad = (ALIGN - offset % ALIGN) % ALIGN;
    if (pad > 0) chunks.push(new Uint8Array(pad));
    offset += pad;
    chunks.push(bytes);
    const at = offset;
    offset += bytes.byteLength;
    return {
      name: t.name,
      dims: t.dims,
      dataType: t.dataType,
      dataLocation: 1,
      externalData: [
        { key: "location", value: options.externalFile },
        { key: "offset", value: String(at) },
        { key: "length", value: String(bytes.byteLength) },
      ],
    };
  };
  const nodes: NodeProto[] = [];
  const activations = new Set<string>();
  const done = new Set<string>();
  const removed = new Map<string, number>();
  const skipped: string[] = [];
  let quantized = 0;
  for (const node of graph.node ?? []) {
    const gemm = node.opType === "Gemm";
    if (node.opType !== "MatMul" && !gemm) {
      nodes.push(node);
      continue;
    }
    const [x, wName, cName] = node.input ?? [];
    const w = inits.get(wName ?? "");
    const label = node.name || (node.output?.[0] ?? "");
    if (w === undefined || w.dims?.length !== 2) {
      // Activation × activation (attention scores), or a weight not stored
      // as a 2-D initializer.
      if (w !== undefined) skipped.push(`${label}: weight is not 2-D`);
      nodes.push(node);
      continue;
    }
    if (gemm && intAttr(node, "transA", 0) !== 0) {
      skipped.push(`${label}: Gemm with transA`);
      nodes.push(node);
      continue;
    }
    const transB = gemm && intAttr(node, "transB", 0) !== 0;
    const key = transB ? `${wName}_T` : wName;
    const [d0, d1] = w.dims.map(int64);
    const [k, n] = transB ? [d1, d0] : [d0, d1];
    if (!done.has(key)) {
      const values = floatWeights(w, options.source ?? "");
      if (values === undefined) {
        skipped.push(`${label}: weight is not readable float32`);
        nodes.push(node);
        continue;
      }
      done.add(key);
      const q = quantizeWeight(
        transB ? transpose(values, d0, d1) : values,
        k,
        n,
        weightType,
        perChannel,
      );
      const cols = perChannel ? [n] : [];
      added.push(
        place({
          name: `${key}_quantized`,
          dims: [k, n],
          dataType: weightType === "int8" ? DataType.INT8 : DataType.UINT8,
          rawData: q.data,
        }),
        floatTensor(`${key}_scale`, cols, q.scale),
        {
          name: `${key}_zero_point`,
          dims: cols,
          dataType: weightType === "int8" ? DataType.INT8 : DataType.UINT8,
          rawData: q.zeroPoint,
        },
      );
    }
    removed.set(wName, (removed.get(wName) ?? 0) + 1);
    quantized++;
    if (!activations.has(x)) {
      activations.add(x);
      nodes.push({
        name: `${x}_QuantizeLinear`,
        opType: "DynamicQuantizeLinear",
        input: [x],
        output: [`${x}_quantized`, `${x}_scale`, `${x}_zero_point`],
      });
    }
    const out = node.output?.[0] ?? "";
    const n0 = node.name || out;
    const alpha = gemm ? floatAttr(node, "alpha", 1) : 1;
    let scale = `${key}_scale`;
    if (alpha !== 1) {
      scale = `${n0}_alpha_scale`;
      added.push(floatTensor(`${n0}_alpha`, [], Float32Array.of(alpha)));
      nodes.push({
        name: `${n0}_alpha_mul`,
        opType: "Mul",
        input: [`${key}_scale`, `${n0}_alpha`],
        output: [scale],
      });
    }
    const bias = gemm && cName ? cName : undefined;
    const product = bias ? `${out}_before_bias` : out;
    nodes.push(
      {
        name: `${n0}_quant`,
        opType: "MatMulInteger",
        input: [
          `${x}_quantized`,
          `${key}_quantized`,
          `${x}_zero_point`,
          `${key}_zero_point`,
        ],
        output: [`${out}_output_quantized`],
      },
      {
        name: `${out}_output_quantized_cast`,
        opType: "Cast",
        input: [`${out}_output_quantized`],
        output: [`${out}_output_quantized_cast_output`],
        attribute: [{ name: "to", type: 2, i: DataType.FLOAT }],
      },
      {
        name: `${n0}_quant_scales_mul`,
        opType: "Mul",
        input: [`${x}_scale`, scale],
        output: [`${n0}_quant_scales_mul:0`],
      },
      {
        name: `${n0}_quant_output_scale_mul`,
        opType: "Mul",
        input: [
          `${out}_output_quantized_cast_output`,
          `${n0}_quant_scales_mul:0`,
        ],
        output: [product],
      },
    );
    if (bias) {
      const beta = floatAttr(node, "beta", 1);
      let c = bias;
      if (beta !== 1) {
        c = `${n0}_beta_bias`;
        added.push(floatTensor(`${n0}_beta`, [], Float32Array.of(beta)));
        nodes.push({
          name: `${n0}_beta_mul`,
          opType: "Mul",
          input: [bias, `${n0}_beta`],
          output: [c],
        });
      }
      nodes.push({
        name: `${n0}_bias_add`,
        opType: "Add",
        input: [product, c],
        output: [out],
      });
    }
  }
  // An initializer goes once no node reads it any more.
  const gone = new Set(
    [...removed].filter(([name, n]) => (uses.get(name) ?? 0) === n).map((
      [name],
    ) => name),
  );
  const kept = (graph.initializer ?? []).filter((t) => !gone.has(t.name ?? ""));
  const initializer = [
    ...(options.externalFile === undefined ? kept : kept.map((t) => {
      if (!isExternal(t)) return t;
      const bytes = externalBytes(t, options.source ?? "");
      return bytes === undefined ? t : place({
        name: t.name,
        dims: t.dims,
        dataType: t.dataType,
        rawData: bytes,
      });
    })),
    ...added,
  ];
  forgetExternalFiles();
  const input = (graph.input ?? []).filter((v) => !gone.has(v.name ?? ""));
  let external: Uint8Array | undefined;
  if (options.externalFile !== undefined) {
    external = new Uint8Array(offset);
    let at = 0;
    for (const c of chunks) {
      external.set(c, at);
      at += c.byteLength;
    }
  }
  return {
    model: { ...model, graph: { ...graph, node: nodes, initializer, input } },
    quantized,
    skipped,
    ...(external ? { external } : {}),
  };
};
