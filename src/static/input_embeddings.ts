import { Effect } from "effect";
import { MissingModelFiles } from "../errors.ts";
import {
  DataType,
  decodeModel,
  int64,
  type TensorProto,
} from "../onnx/proto.ts";
import { modelFolder, Paths } from "../paths.ts";
import type { StaticEncoder } from "../aggregate/static_encoder.ts";

/** An ONNX graph holds no usable token table (absent, external, not fp32). */
const refuse = (model: string, path: string, hint: string) =>
  new MissingModelFiles({ model, path, hint });

/**
 * The token table a graph looks `input_ids` up in: the fp32 initializer fed
 * to the `Gather` whose indices are `input_ids`. Found by that role rather
 * than by name, since exports name it differently (BERT
 * `embeddings.word_embeddings.weight`, GPT-2 `transformer.wte.weight`,
 * Llama `model.embed_tokens.weight`).
 */
export const findInputTable = (
  bytes: Uint8Array,
): { data: Float32Array; rows: number; dim: number } | string => {
  const graph = decodeModel(bytes).graph;
  if (!graph) return "the file has no graph";
  const gather = (graph.node ?? []).find((n) =>
    n.opType === "Gather" && n.input?.[1] === "input_ids"
  );
  if (!gather) return "no Gather node reads input_ids";
  const init = (graph.initializer ?? []).find((t) =>
    t.name === gather.input![0]
  );
  if (!init) return `the table ${gather.input![0]} is not an initializer`;
  return tableOf(init);
};

const tableOf = (
  t: TensorProto,
): { data: Float32Array; rows: number; dim: number } | string => {
  const dims = (t.dims ?? []).map(int64);
  if (t.dataType !== DataType.FLOAT || dims.length !== 2) {
    return `the table ${t.name} is not a 2-d float32 tensor`;
  }
  const [rows, dim] = dims;
  if (t.rawData && t.rawData.length === rows * dim * 4) {
    // Copied so the table owns aligned memory, not a view of the file.
    const raw = t.rawData.slice();
    return { data: new Float32Array(raw.buffer), rows, dim };
  }
  if (t.floatData && t.floatData.length === rows * dim) {
    return { data: Float32Array.from(t.floatData), rows, dim };
  }
  return `the table ${t.name} is stored outside the graph (external data)`;
};

/**
 * A model's input embedding matrix as a static encoder keyed by token id
 * (METHODS §5): the transformer's own vectors with no forward pass.
 */
export const loadInputEmbeddings = Effect.fn("loadInputEmbeddings")(
  function* (model: string, file?: string) {
    const paths = yield* Paths;
    const onnxFile = file ?? "onnx/model.onnx";
    const path = `${modelFolder(paths, model, onnxFile)}/${onnxFile}`;
    const bytes = yield* Effect.try({
      try: () => Deno.readFileSync(path),
      catch: () =>
        refuse(model, path, "Put the model's ONNX export in its folder."),
    });
    const table = findInputTable(bytes);
    if (typeof table === "string") {
      return yield* refuse(model, path, `No input embedding table: ${table}.`);
    }
    const { data, rows, dim } = table;
    return {
      name: `input embeddings of ${model}`,
      dim,
      vector(id, _token, out) {
        if (id >= rows) return false;
        out.set(data.subarray(id * dim, (id + 1) * dim));
        return true;
      },
      lookup: (id) =>
        id < rows ? data.subarray(id * dim, (id + 1) * dim) : undefined,
    } satisfies StaticEncoder;
  },
);
