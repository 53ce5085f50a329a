import type * as Arrow from "apache-arrow";
import type { Dtype, RowData } from "./writer.ts";

/**
 * Embedding rows as one Arrow record batch: string columns, then a
 * `vector` column of FixedSizeList<float32 | int8 | uint8> over the rows'
 * own typed array (no copy, no per-element allocation). The Parquet and
 * LanceDB writers both hand these to their libraries.
 */

/** A string column: its name and one value per row. */
export interface StringColumn {
  readonly name: string;
  readonly values: ReadonlyArray<string>;
}

const elementType = (arrow: typeof Arrow, dtype: Dtype): Arrow.DataType =>
  dtype === "float32"
    ? new arrow.Float32()
    : dtype === "int8"
    ? new arrow.Int8()
    : new arrow.Uint8();

const utf8Data = (
  arrow: typeof Arrow,
  values: ReadonlyArray<string>,
): Arrow.Data<Arrow.Utf8> => {
  const encoder = new TextEncoder();
  const encoded = values.map((v) => encoder.encode(v));
  const offsets = new Int32Array(values.length + 1);
  encoded.forEach((b, i) => offsets[i + 1] = offsets[i] + b.length);
  const bytes = new Uint8Array(offsets[values.length]);
  encoded.forEach((b, i) => bytes.set(b, offsets[i]));
  return arrow.makeData({
    type: new arrow.Utf8(),
    length: values.length,
    nullCount: 0,
    valueOffsets: offsets,
    data: bytes,
  });
};

/** The shape of the vector column. */
export interface VectorColumn {
  readonly dim: number;
  readonly dtype: Dtype;
  /** rows × dim values, row-major. */
  readonly data: RowData;
}

/**
 * The batch as an Arrow table. `nullable` marks every field nullable (what
 * LanceDB infers for rows given as objects, so tables stay compatible).
 */
export const arrowBatch = (
  arrow: typeof Arrow,
  strings: ReadonlyArray<StringColumn>,
  vector: VectorColumn,
  nullable = false,
): Arrow.Table => {
  const rows = vector.dim === 0 ? 0 : vector.data.length / vector.dim;
  const item = new arrow.Field(
    "item",
    elementType(arrow, vector.dtype),
    nullable,
  );
  const listType = new arrow.FixedSizeList(vector.dim, item);
  const schema = new arrow.Schema([
    ...strings.map((c) => new arrow.Field(c.name, new arrow.Utf8(), nullable)),
    new arrow.Field("vector", listType, nullable),
  ]);
  const child = arrow.makeData(
    {
      type: item.type,
      length: vector.data.length,
      nullCount: 0,
      data: vector.data,
    } as Parameters<typeof arrow.makeData>[0],
  );
  const list = arrow.makeData({
    type: listType,
    length: rows,
    nullCount: 0,
    child,
  });
  const struct = arrow.makeData({
    type: new arrow.Struct(schema.fields),
    length: rows,
    nullCount: 0,
    children: [...strings.map((c) => utf8Data(arrow, c.values)), list],
  });
  return new arrow.Table([new arrow.RecordBatch(schema, struct)]);
};
