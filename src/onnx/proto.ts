import onnxProto from "onnx-proto";

/**
 * The ONNX protobuf messages, from the `onnx-proto` package (protobufjs
 * static code for onnx 1.10). Newer fields a file may carry are skipped on
 * decode; the graph, initializers, external-data entries and attributes that
 * rewriting touches all exist in that schema.
 */
export const onnx: typeof onnxProto.onnx = onnxProto.onnx;

/** An ONNX model, as protobufjs decodes it. */
export type ModelProto = onnxProto.onnx.IModelProto;
export type GraphProto = onnxProto.onnx.IGraphProto;
export type NodeProto = onnxProto.onnx.INodeProto;
export type TensorProto = onnxProto.onnx.ITensorProto;
export type ValueInfoProto = onnxProto.onnx.IValueInfoProto;
export type AttributeProto = onnxProto.onnx.IAttributeProto;

/** ONNX `TensorProto.DataType` codes used here. */
export const DataType = {
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  INT32: 6,
  INT64: 7,
  BOOL: 9,
  FLOAT16: 10,
} as const;

/** An int64 field as protobufjs decodes it: a number or a `Long`. */
export type Int64 = number | { toNumber(): number };

/** An int64 field as a JavaScript number (exact below 2^53, which dims and attributes are). */
export const int64 = (value: Int64 | null | undefined): number =>
  value === null || value === undefined
    ? 0
    : typeof value === "number"
    ? value
    : value.toNumber();

/** Parses an ONNX file's bytes. Throws on malformed protobuf (callers wrap it). */
export const decodeModel = (bytes: Uint8Array): ModelProto =>
  onnx.ModelProto.decode(bytes);

/** Serializes a model. */
export const encodeModel = (model: ModelProto): Uint8Array =>
  onnx.ModelProto.encode(model).finish();
