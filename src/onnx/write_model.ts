import { onnx } from "./proto.ts";
import type { ModelProto, TensorProto } from "./proto.ts";

// Field keys (number << 3 | 2, length-delimited) of the fields written here.
const MODEL_GRAPH = 0x3a; // ModelProto.graph = 7
const GRAPH_INITIALIZER = 0x2a; // GraphProto.initializer = 5
const TENSOR_RAW_DATA = 0x4a; // TensorProto.raw_data = 9

const varint = (n: number): Uint8Array => {
  const out: number[] = [];
  while (n > 127) {
    out.push((n % 128) | 128);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return Uint8Array.from(out);
};

const keyed = (key: number, len: number) => [Uint8Array.of(key), varint(len)];

/**
 * A model's protobuf bytes as a list of chunks, without copying any
 * initializer's `raw_data` (each chunk of weights is a view of the array the
 * model was decoded from). Fields may come in any order in protobuf, so the
 * graph is written last and each initializer's `raw_data` after its other
 * fields; the bytes decode to the same model as `encodeModel`'s.
 */
export const modelChunks = (model: ModelProto): Uint8Array[] => {
  const graph = model.graph;
  const head = onnx.ModelProto.encode({ ...model, graph: null }).finish();
  if (graph === null || graph === undefined) return [head];
  const graphHead = onnx.GraphProto.encode({ ...graph, initializer: [] })
    .finish();
  const tensors: Uint8Array[] = [];
  let graphLen = graphHead.length;
  for (const t of graph.initializer ?? []) {
    const raw = (t as TensorProto).rawData;
    const header = onnx.TensorProto.encode({ ...t, rawData: null }).finish();
    const parts = raw && raw.length > 0
      ? [header, ...keyed(TENSOR_RAW_DATA, raw.length), raw]
      : [header];
    const len = parts.reduce((s, p) => s + p.length, 0);
    const entry = [...keyed(GRAPH_INITIALIZER, len), ...parts];
    graphLen += entry.reduce((s, p) => s + p.length, 0);
    tensors.push(...entry);
  }
  return [head, ...keyed(MODEL_GRAPH, graphLen), graphHead, ...tensors];
};

/**
 * Writes a model to `path` chunk by chunk: the file is never held as one
 * second copy of the weights (a BERT-base graph is 440 MB).
 */
export const writeModelFile = async (
  path: string,
  model: ModelProto,
): Promise<void> => {
  const file = await Deno.open(path, {
    write: true,
    create: true,
    truncate: true,
  });
  try {
    for (const chunk of modelChunks(model)) {
      let at = 0;
      while (at < chunk.length) at += await file.write(chunk.subarray(at));
    }
  } finally {
    file.close();
  }
};
