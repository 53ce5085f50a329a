import "../temp_cache.ts";
import assert from "node:assert/strict";
import { fileSink } from "../../src/io/sink.ts";
import { jsonlWriter } from "../../src/io/write_jsonl.ts";
import { tempDir } from "./_helpers.ts";

const memorySink = () => {
  const chunks: string[] = [];
  return {
    chunks,
    sink: {
      write: (b: Uint8Array) => {
        chunks.push(new TextDecoder().decode(b));
        return Promise.resolve();
      },
      close: () => Promise.resolve(),
    },
  };
};

const recs = (...ids: string[]) =>
  ids.map((id, i) => ({ id, text: `text of ${id} "q"\n`, line: i + 1 }));

Deno.test("jsonlWriter writes one line per record, one write per batch, shortest float32s", async () => {
  const { chunks, sink } = memorySink();
  const w = jsonlWriter(sink);
  const data = Float32Array.of(0.1, 1 / 3, -2.5e-8, 7, 1e30, -0);
  await w.write(recs("a", "b"), { rows: 2, dim: 3, data });
  await w.write(recs("c"), { rows: 1, dim: 3, data: Float32Array.of(1, 2, 3) });
  const summary = await w.close();
  assert.deepEqual(summary, { count: 3, dim: 3, dtype: "float32", files: [] });
  assert.equal(chunks.length, 2);
  assert.equal(
    chunks[0],
    '{"id":"a","embedding":[0.1,0.33333334,-2.5e-8]}\n' +
      '{"id":"b","embedding":[7,1e+30,-0]}\n',
  );
  const rows = chunks.join("").trim().split("\n").map((l) => JSON.parse(l));
  assert.deepEqual(rows[2], { id: "c", embedding: [1, 2, 3] });
  // Every value parses back to the very float32 written.
  assert.deepEqual(
    Float32Array.from(rows.slice(0, 2).flatMap((r) => r.embedding)),
    data,
  );
});

Deno.test("jsonlWriter includes the text on request, escaped", async () => {
  const { chunks, sink } = memorySink();
  const w = jsonlWriter(sink, { includeText: true });
  await w.write(recs("x"), { rows: 1, dim: 1, data: Float32Array.of(1) });
  await w.close();
  assert.deepEqual(JSON.parse(chunks[0]), {
    id: "x",
    text: 'text of x "q"\n',
    embedding: [1],
  });
});

Deno.test("jsonlWriter writes int8 and uint8 rows as integers", async () => {
  const { chunks, sink } = memorySink();
  const w = jsonlWriter(sink);
  await w.write(recs("q"), {
    rows: 1,
    dim: 3,
    data: Int8Array.of(-128, 0, 127),
  });
  assert.equal(chunks[0], '{"id":"q","embedding":[-128,0,127]}\n');
  await assert.rejects(
    w.write(recs("u"), { rows: 1, dim: 3, data: Uint8Array.of(1, 2, 255) }),
    RangeError,
    "one output holds one dtype",
  );
  const u = memorySink();
  const wu = jsonlWriter(u.sink);
  await wu.write(recs("u"), { rows: 1, dim: 2, data: Uint8Array.of(0, 255) });
  assert.equal(u.chunks[0], '{"id":"u","embedding":[0,255]}\n');
});

Deno.test("jsonlWriter refuses non-finite values and inconsistent batches", async () => {
  const { sink } = memorySink();
  const w = jsonlWriter(sink);
  await assert.rejects(
    w.write(recs("n"), { rows: 1, dim: 2, data: Float32Array.of(1, NaN) }),
    /row 0 has NaN/,
  );
  await assert.rejects(
    w.write(recs("a", "b"), { rows: 1, dim: 2, data: new Float32Array(2) }),
    RangeError,
  );
});

Deno.test("jsonlWriter to a file", async () => {
  await using tmp = await tempDir();
  const path = `${tmp.dir}/out.jsonl`;
  const w = jsonlWriter(await fileSink(path), { path });
  await w.write(recs("a"), {
    rows: 1,
    dim: 2,
    data: Float32Array.of(0.5, 0.25),
  });
  assert.deepEqual((await w.close()).files, [path]);
  assert.equal(
    await Deno.readTextFile(path),
    '{"id":"a","embedding":[0.5,0.25]}\n',
  );
});
