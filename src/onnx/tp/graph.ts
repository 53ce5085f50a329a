import {
  DataType,
  int64,
  type ModelProto,
  type NodeProto,
  type TensorProto,
  type ValueInfoProto,
} from "../proto.ts";
import { type GraphIndex, indexGraph } from "../rewrite/graph_index.ts";
import type { LayerMap, Tap } from "../rewrite/layer_map.ts";

/** The graph input that marks each row's `<PST>` position: float [batch, seq], one-hot per row. */
export const TP_MASK_INPUT = "tp_mask";

/** Decoder layers `start ≤ l < exit` get their input's `<PST>` row overwritten. */
export interface LayerRange {
  /** The first layer rewritten. */
  readonly start: number;
  /** The first layer not rewritten. */
  readonly exit: number;
}

// Not a module path: the layer finder must not mistake these nodes for a
// layer (`layers.N/`) or a norm (`norm`, `ln_*`) when it reads the graph again.
const SCOPE = "/sentemb_tp";
const LAST_INDEX = `${SCOPE}/constants/last_index`;
const LAST_AXIS = `${SCOPE}/constants/last_axis`;

const SKIP_NORMS = new Set([
  "SkipSimplifiedLayerNormalization",
  "SkipLayerNormalization",
]);

const int64Tensor = (name: string, values: number[]): TensorProto => {
  const data = BigInt64Array.from(values, BigInt);
  return {
    name,
    dims: [values.length],
    dataType: DataType.INT64,
    rawData: new Uint8Array(data.buffer),
  };
};

const node = (
  op: string,
  name: string,
  inputs: string[],
  attribute: NodeProto["attribute"] = [],
): NodeProto => ({
  name,
  opType: op,
  domain: "",
  input: inputs,
  output: [`${name}/output_0`],
  attribute,
});

/** The nodes computing `x + m ⊙ (target − x)`: x itself where m = 0, target where m = 1. */
const overwrite = (
  scope: string,
  x: string,
  target: string,
  mask: string,
): { nodes: NodeProto[]; out: string } => {
  const diff = node("Sub", `${scope}/Sub`, [target, x]);
  const masked = node("Mul", `${scope}/Mul`, [mask, diff.output![0]]);
  const sum = node("Add", `${scope}/Add`, [x, masked.output![0]]);
  return { nodes: [diff, masked, sum], out: sum.output![0] };
};

/** The last position of [batch, seq, dim] as [batch, 1, dim]. */
const lastRow = (scope: string, x: string): NodeProto =>
  node("Gather", `${scope}/Gather`, [x, LAST_INDEX], [{
    name: "axis",
    type: 2,
    i: 1,
  }]);

interface Edit {
  /** Nodes to insert before the node at this index. */
  readonly at: number;
  readonly nodes: NodeProto[];
}

/**
 * A plain layer input: every reader of `x` reads the overwritten tensor
 * instead (the layer's norm and its residual add alike), so the next layer
 * and the hidden-state tap both see what the layer consumed.
 */
const overwriteTensor = (
  ix: GraphIndex,
  nodes: NodeProto[],
  k: number,
  x: string,
  mask: string,
): Edit | string => {
  const readers = ix.consumers.get(x) ?? [];
  if (readers.length === 0) return `the input of layer ${k} (${x}) is unread`;
  const scope = `${SCOPE}/layer${k}`;
  const last = lastRow(scope, x);
  const { nodes: ops, out } = overwrite(scope, x, last.output![0], mask);
  for (const r of readers) {
    nodes[r] = {
      ...nodes[r],
      input: (nodes[r].input ?? []).map((t) => t === x ? out : t),
    };
  }
  return { at: Math.min(...readers), nodes: [last, ...ops] };
};

/**
 * A fused skip norm whose output 3 (input + skip) is the layer's input: its
 * sub-layer input is rewritten to `target − residual` on the `<PST>` row, so
 * the node's own sum (output 3, the residual the layer carries on) and its
 * normed output 0 (what attention reads) are both the overwritten state. The
 * residual input keeps its producer, so the skip-norm chain the layer finder
 * follows stays intact.
 */
const overwriteSkipSum = (
  ix: GraphIndex,
  nodes: NodeProto[],
  k: number,
  n: number,
  mask: string,
): Edit | string => {
  const inputs = [...(nodes[n].input ?? [])];
  const linked = (t: string) => {
    const p = ix.producer.get(t);
    return p !== undefined && p[1] === 3 &&
      SKIP_NORMS.has(ix.nodes[p[0]].opType ?? "");
  };
  if (inputs.length < 3) {
    return `skip norm ${nodes[n].name} has ${inputs.length} inputs`;
  }
  // The sum is symmetric: which input is rewritten only matters to the
  // chain, so the one that is not the previous skip norm's sum is.
  const branchSlot = linked(inputs[0]) ? 1 : linked(inputs[1]) ? 0 : 1;
  const resid = inputs[1 - branchSlot];
  const branch = inputs[branchSlot];
  const scope = `${SCOPE}/layer${k}`;
  // A bias input (the node's optional last one) is added to every row alike,
  // so it cancels out of `last(resid + branch) − resid` and is left out.
  const sum = node("Add", `${scope}/Add_sum`, [resid, branch]);
  const last = lastRow(scope, sum.output![0]);
  const target = node("Sub", `${scope}/Sub_residual`, [
    last.output![0],
    resid,
  ]);
  const ops: NodeProto[] = [sum, last, target];
  const { nodes: tail, out } = overwrite(
    scope,
    branch,
    target.output![0],
    mask,
  );
  ops.push(...tail);
  inputs[branchSlot] = out;
  nodes[n] = { ...nodes[n], input: inputs };
  return { at: n, nodes: ops };
};

const defaultOpset = (model: ModelProto): number =>
  int64(
    (model.opsetImport ?? []).find((o) => (o.domain ?? "") === "")?.version,
  );

/** `tp_mask` as [batch, seq, 1] in the hidden states' element type. */
const maskNodes = (
  model: ModelProto,
  elemType: number,
): { nodes: NodeProto[]; out: string } => {
  const unsqueeze = defaultOpset(model) >= 13
    ? node("Unsqueeze", `${SCOPE}/mask/Unsqueeze`, [TP_MASK_INPUT, LAST_AXIS])
    : node("Unsqueeze", `${SCOPE}/mask/Unsqueeze`, [TP_MASK_INPUT], [{
      name: "axes",
      type: 7,
      ints: [-1],
    }]);
  if (elemType === DataType.FLOAT) {
    return { nodes: [unsqueeze], out: unsqueeze.output![0] };
  }
  const cast = node("Cast", `${SCOPE}/mask/Cast`, [unsqueeze.output![0]], [{
    name: "to",
    type: 2,
    i: elemType,
  }]);
  return { nodes: [unsqueeze, cast], out: cast.output![0] };
};

/** `tp_mask`'s declaration, with `input_ids`' dims when the graph names them. */
const maskInput = (inputs: ReadonlyArray<ValueInfoProto>): ValueInfoProto => {
  const ids = inputs.find((v) => v.name === "input_ids");
  const dims = ids?.type?.tensorType?.shape?.dim ??
    [{ dimParam: "batch_size" }, { dimParam: "sequence_length" }];
  return {
    name: TP_MASK_INPUT,
    type: {
      tensorType: { elemType: DataType.FLOAT, shape: { dim: [...dims] } },
    },
  };
};

/**
 * Token Prepending (METHODS §4) written into a decoder graph: a `tp_mask`
 * input (float [batch, seq], 1 at each row's `<PST>` position) and, at the
 * input of every layer l in [start, exit), `x' = x + m ⊙ (x[:, −1] − x)`:
 * the `<PST>` row becomes the last position's row (the last real token under
 * left padding), every other row is bit-for-bit unchanged. Layer inputs are
 * the taps of `map` (the hidden-state finder's), so named pre-norm graphs
 * (GPT-2, Optimum Llama) and fused skip-norm graphs (onnxruntime-genai) are
 * both covered. An empty range adds only the (unread) input, so a TP
 * pipeline feeds one graph shape whatever its range. Returns a reason
 * string for a graph or range it cannot take.
 */
export const tokenPrependingGraph = (
  model: ModelProto,
  map: LayerMap,
  range: LayerRange,
): ModelProto | string => {
  const { start, exit } = range;
  if (map.strategy === "post-norm") {
    return "Token Prepending is for decoders; this graph's layers are post-norm (an encoder)";
  }
  if (
    !(Number.isInteger(start) && Number.isInteger(exit) && 0 <= start &&
      start <= exit && exit <= map.layers)
  ) {
    return `layer range [${start}, ${exit}) must lie within [0, ${map.layers}]`;
  }
  const graph = model.graph ?? {};
  const inputs = graph.input ?? [];
  if (inputs.some((v) => v.name === TP_MASK_INPUT)) {
    return `the graph already has an input named ${TP_MASK_INPUT}`;
  }
  const ix = indexGraph(graph);
  const nodes: NodeProto[] = [...ix.nodes];
  const elemType = graph.output?.[0]?.type?.tensorType?.elemType ??
    DataType.FLOAT;
  const mask = maskNodes(model, elemType);
  const edits: Edit[] = [];
  for (let k = start; k < exit; k++) {
    const tap: Tap = map.taps[k];
    const edit = tap.kind === "tensor"
      ? overwriteTensor(ix, nodes, k, tap.tensor, mask.out)
      : overwriteSkipSum(ix, nodes, k, tap.node, mask.out);
    if (typeof edit === "string") return edit;
    edits.push(edit);
  }
  // Each edit goes right before its first reader and the mask nodes (which
  // read only the input and constants) first, so the node list stays in the
  // topological order the ONNX spec requires.
  const byIndex = new Map<number, NodeProto[]>();
  for (const e of edits) {
    byIndex.set(e.at, [...(byIndex.get(e.at) ?? []), ...e.nodes]);
  }
  const ordered = [
    ...(edits.length > 0 ? mask.nodes : []),
    ...nodes.flatMap((n, i) => [...(byIndex.get(i) ?? []), n]),
  ];
  return {
    ...model,
    graph: {
      ...graph,
      node: ordered,
      input: [...inputs, maskInput(inputs)],
      initializer: edits.length === 0 ? graph.initializer : [
        ...(graph.initializer ?? []),
        int64Tensor(LAST_INDEX, [-1]),
        int64Tensor(LAST_AXIS, [-1]),
      ],
    },
  };
};
