import "../temp_cache.ts";
import assert from "node:assert/strict";
import { TEST_CACHE } from "../temp_cache.ts";
import {
  DataType,
  decodeModel,
  encodeModel,
  type ModelProto,
} from "../../src/onnx/proto.ts";
import { modelChunks, writeModelFile } from "../../src/onnx/write_model.ts";

// A model with raw-data, float-data and empty initializers, metadata after
// the graph field, and raw data long enough for a multi-byte length.
const model = (): ModelProto => {
  const raw = new Uint8Array(4 * 300);
  for (let i = 0; i < raw.length; i++) raw[i] = (i * 7) % 251;
  return {
    irVersion: 8,
    producerName: "write_model_test",
    opsetImport: [{ domain: "", version: 17 }],
    metadataProps: [{ key: "k", value: "v" }],
    graph: {
      name: "g",
      node: [{ opType: "Add", input: ["x", "w"], output: ["y"] }],
      initializer: [
        { name: "w", dims: [300], dataType: DataType.FLOAT, rawData: raw },
        { name: "f", dims: [2], dataType: DataType.FLOAT, floatData: [1, 2] },
        { name: "e", dims: [0], dataType: DataType.FLOAT },
      ],
      input: [{ name: "x" }],
      output: [{ name: "y" }],
    },
  };
};

const concat = (chunks: Uint8Array[]) => {
  const out = new Uint8Array(chunks.reduce((s, c) => s + c.length, 0));
  let at = 0;
  for (const c of chunks) (out.set(c, at), at += c.length);
  return out;
};

Deno.test("chunked model bytes decode to the model encodeModel writes, same length", () => {
  const m = model();
  const whole = encodeModel(m);
  const chunked = concat(modelChunks(m));
  assert.equal(chunked.length, whole.length);
  assert.deepEqual(
    JSON.parse(JSON.stringify(decodeModel(chunked))),
    JSON.parse(JSON.stringify(decodeModel(whole))),
  );
});

Deno.test("raw data is written from views of the decoded bytes, not copies", () => {
  const bytes = encodeModel(model());
  const decoded = decodeModel(bytes);
  const raw = decoded.graph!.initializer![0].rawData!;
  assert.ok(modelChunks(decoded).some((c) => c === raw));
});

Deno.test("writeModelFile writes the chunks to a file that decodes back", async () => {
  await Deno.mkdir(TEST_CACHE, { recursive: true });
  const path = `${TEST_CACHE}/write_model_test.onnx`;
  await writeModelFile(path, model());
  assert.deepEqual(
    JSON.parse(JSON.stringify(decodeModel(await Deno.readFile(path)))),
    JSON.parse(JSON.stringify(decodeModel(encodeModel(model())))),
  );
});
