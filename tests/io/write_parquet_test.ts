import "../temp_cache.ts";
import assert from "node:assert/strict";
import { tableFromIPC } from "apache-arrow";
import { ParquetFile, readParquet } from "parquet-wasm";
import { parquetWriter } from "../../src/io/write_parquet.ts";
import { tempDir } from "./_helpers.ts";

const read = async (path: string) => {
  const bytes = await Deno.readFile(path);
  const table = tableFromIPC(readParquet(bytes).intoIPCStream());
  const meta = (await ParquetFile.fromFile(new Blob([bytes]))).metadata();
  return {
    table,
    rowGroups: meta.rowGroups().map((g) => g.numRows()),
    keyValue: meta.fileMetadata().keyValueMetadata() as Map<string, string>,
  };
};

const records = (from: number, n: number) =>
  Array.from({ length: n }, (_, i) => ({
    id: `id-${from + i}`,
    text: `sentence ${from + i} — ünïcode`,
    line: from + i,
  }));

Deno.test("parquetWriter: id, text and FixedSizeList<float32> vectors read back the same, in row groups", async () => {
  await using tmp = await tempDir();
  const path = `${tmp.dir}/e.parquet`;
  const dim = 6;
  const all = Float32Array.from(
    { length: 25 * dim },
    (_, k) => Math.fround(Math.sin(k) * 3),
  );
  const w = await parquetWriter(path, {
    includeText: true,
    rowGroupRows: 10,
    metadata: { pipeline: "p", hash: "h1" },
  });
  for (const [from, n] of [[0, 7], [7, 7], [14, 11]]) {
    await w.write(records(from, n), {
      rows: n,
      dim,
      data: all.subarray(from * dim, (from + n) * dim),
    });
  }
  const summary = await w.close();
  assert.deepEqual(summary, {
    count: 25,
    dim,
    dtype: "float32",
    files: [path],
  });

  const { table, rowGroups, keyValue } = await read(path);
  assert.equal(
    table.schema.toString(),
    "Schema<{ 0: id: Utf8, 1: text: Utf8, 2: vector: FixedSizeList[6]<Float32> }>",
  );
  assert.deepEqual(rowGroups, [10, 10, 5], "a row group every 10 rows");
  assert.equal(keyValue.get("pipeline"), "p");
  assert.equal(keyValue.get("hash"), "h1");
  assert.deepEqual(
    table.getChild("id")!.toArray(),
    records(0, 25).map((r) => r.id),
  );
  assert.deepEqual(
    table.getChild("text")!.toArray(),
    records(0, 25).map((r) => r.text),
  );
  const vectors = table.getChild("vector")!;
  for (let i = 0; i < 25; i++) {
    assert.deepEqual(
      vectors.get(i)!.toArray(),
      all.subarray(i * dim, (i + 1) * dim),
      `row ${i}`,
    );
  }
});

Deno.test("parquetWriter: int8 and uint8 vectors, no text column by default", async () => {
  await using tmp = await tempDir();
  for (
    const data of [Int8Array.of(-128, 5, 127, 0), Uint8Array.of(0, 9, 200, 255)]
  ) {
    const path = `${tmp.dir}/${data.constructor.name}.parquet`;
    const w = await parquetWriter(path, { compression: "zstd" });
    await w.write(records(0, 2), { rows: 2, dim: 2, data });
    await w.close();
    const { table } = await read(path);
    const type = data instanceof Int8Array ? "Int8" : "Uint8";
    assert.equal(
      table.schema.toString(),
      `Schema<{ 0: id: Utf8, 1: vector: FixedSizeList[2]<${type}> }>`,
    );
    assert.deepEqual([...table.getChild("vector")!.get(1)!.toArray()], [
      ...data.subarray(2),
    ]);
  }
});

Deno.test("parquetWriter: an empty output is a valid file with the schema", async () => {
  await using tmp = await tempDir();
  const path = `${tmp.dir}/empty.parquet`;
  const w = await parquetWriter(path, { dim: 16, includeText: true });
  assert.equal((await w.close()).count, 0);
  const { table } = await read(path);
  assert.equal(table.numRows, 0);
  assert.equal(
    table.schema.toString(),
    "Schema<{ 0: id: Utf8, 1: text: Utf8, 2: vector: FixedSizeList[16]<Float32> }>",
  );
});
