import "../temp_cache.ts";
import assert from "node:assert/strict";
import { UnwritableId } from "../../src/io/errors.ts";
import { f32Writer } from "../../src/io/write_f32.ts";
import { npyWriter } from "../../src/io/write_npy.ts";
import type { RowData } from "../../src/io/writer.ts";
import { tempDir } from "./_helpers.ts";

const provenance = { pipeline: "test-pipeline", hash: "abc123" };

/** A .npy v1.0 reader written from the format's specification alone. */
const parseNpy = (bytes: Uint8Array) => {
  const magic = [0x93, ..."NUMPY"].map((c) =>
    typeof c === "number" ? c : c.charCodeAt(0)
  );
  assert.deepEqual([...bytes.subarray(0, 6)], magic, "magic string");
  assert.deepEqual([bytes[6], bytes[7]], [1, 0], "version 1.0");
  const headerLen = bytes[8] | (bytes[9] << 8);
  const dataStart = 10 + headerLen;
  assert.equal(dataStart % 64, 0, "data aligned to 64 bytes");
  const header = new TextDecoder("latin1").decode(
    bytes.subarray(10, dataStart),
  );
  assert.ok(header.endsWith("\n"), "header ends with a newline");
  const m = header.match(
    /^\{'descr': '([<|]\w\d)', 'fortran_order': (True|False), 'shape': \((\d+), (\d+)\), \}\s*\n$/,
  );
  assert.ok(m, `header dict: ${header}`);
  const [, descr, fortran, rows, cols] = m;
  assert.equal(fortran, "False");
  const shape = [Number(rows), Number(cols)] as const;
  const body = bytes.slice(dataStart);
  const data: RowData = descr === "<f4"
    ? new Float32Array(body.buffer)
    : descr === "|i1"
    ? new Int8Array(body.buffer)
    : new Uint8Array(body.buffer);
  assert.equal(data.length, shape[0] * shape[1], "data length matches shape");
  return { descr, shape, data };
};

const records = (from: number, n: number) =>
  Array.from({ length: n }, (_, i) => ({
    id: `doc-${from + i}`,
    text: "t",
    line: from + i,
  }));

const rows = (from: number, n: number, dim: number) =>
  Float32Array.from(
    { length: n * dim },
    (_, k) => Math.fround((from * dim + k) * 0.37 - 11.5),
  );

const numpy = async (): Promise<boolean> => {
  try {
    const out = await new Deno.Command("python3", {
      args: ["-c", "import numpy"],
      stdout: "null",
      stderr: "null",
    }).output();
    return out.success;
  } catch {
    return false;
  }
};

Deno.test("npyWriter: header patched with the count; readable by a spec parser; sidecar and ids", async () => {
  await using tmp = await tempDir();
  const path = `${tmp.dir}/vectors.npy`;
  const w = await npyWriter(path, { provenance });
  const dim = 5;
  await w.write(records(1, 3), { rows: 3, dim, data: rows(0, 3, dim) });
  await w.write(records(4, 4), { rows: 4, dim, data: rows(3, 4, dim) });
  const summary = await w.close();
  assert.deepEqual(summary, {
    count: 7,
    dim,
    dtype: "float32",
    files: [path, `${path}.json`, `${path}.ids.txt`],
  });
  const npy = parseNpy(await Deno.readFile(path));
  assert.equal(npy.descr, "<f4");
  assert.deepEqual(npy.shape, [7, 5]);
  assert.deepEqual(npy.data, rows(0, 7, dim));
  assert.deepEqual(JSON.parse(await Deno.readTextFile(`${path}.json`)), {
    format: "npy",
    file: "vectors.npy",
    dtype: "float32",
    dims: 5,
    count: 7,
    pipeline: "test-pipeline",
    hash: "abc123",
    ids_file: "vectors.npy.ids.txt",
  });
  assert.equal(
    await Deno.readTextFile(`${path}.ids.txt`),
    records(1, 7).map((r) => r.id + "\n").join(""),
  );
});

Deno.test("npyWriter: numpy loads the file with the same values", async (t) => {
  if (!(await numpy())) {
    console.warn(
      "python3 with numpy is not available: skipping the numpy check",
    );
    return;
  }
  await using tmp = await tempDir();
  const cases: Array<[string, RowData, string]> = [
    ["f.npy", rows(0, 6, 4), "float32"],
    ["i.npy", Int8Array.from({ length: 24 }, (_, i) => i * 11 - 128), "int8"],
    ["u.npy", Uint8Array.from({ length: 24 }, (_, i) => i * 11), "uint8"],
  ];
  for (const [name, data, dtype] of cases) {
    await t.step(dtype, async () => {
      const path = `${tmp.dir}/${name}`;
      const w = await npyWriter(path, { provenance, ids: false });
      await w.write(records(1, 2), {
        rows: 2,
        dim: 4,
        data: data.subarray(0, 8),
      });
      await w.write(records(3, 4), { rows: 4, dim: 4, data: data.subarray(8) });
      await w.close();
      const out = await new Deno.Command("python3", {
        args: [
          "-c",
          "import json, sys, numpy as np\n" +
          "a = np.load(sys.argv[1])\n" +
          "print(json.dumps({'shape': list(a.shape), 'dtype': str(a.dtype), " +
          "'c': bool(a.flags['C_CONTIGUOUS']), 'values': a.ravel().tolist()}))",
          path,
        ],
      }).output();
      assert.ok(out.success, new TextDecoder().decode(out.stderr));
      const got = JSON.parse(new TextDecoder().decode(out.stdout));
      assert.deepEqual(got.shape, [6, 4]);
      assert.equal(got.dtype, dtype);
      assert.equal(got.c, true);
      // float32 values printed as float64 are the float32 values exactly.
      assert.deepEqual(got.values, Array.from(data));
    });
  }
});

Deno.test("npyWriter writes int8/uint8 dtypes and an empty output with a given dim", async () => {
  await using tmp = await tempDir();
  const path = `${tmp.dir}/q.npy`;
  const w = await npyWriter(path, { provenance });
  await w.write(records(1, 2), {
    rows: 2,
    dim: 2,
    data: Int8Array.of(-1, 2, -3, 4),
  });
  await w.close();
  const q = parseNpy(await Deno.readFile(path));
  assert.equal(q.descr, "|i1");
  assert.deepEqual([...q.data], [-1, 2, -3, 4]);

  const empty = `${tmp.dir}/empty.npy`;
  const e = await npyWriter(empty, { provenance, dim: 384, dtype: "uint8" });
  assert.equal((await e.close()).count, 0);
  const z = parseNpy(await Deno.readFile(empty));
  assert.deepEqual([z.descr, z.shape], ["|u1", [0, 384]]);
});

Deno.test("npyWriter refuses an id with a line break", async () => {
  await using tmp = await tempDir();
  const w = await npyWriter(`${tmp.dir}/x.npy`, { provenance });
  await assert.rejects(
    w.write([{ id: "a\nb", text: "t", line: 9 }], {
      rows: 1,
      dim: 1,
      data: new Float32Array(1),
    }),
    (e: unknown) => e instanceof UnwritableId && e.line === 9,
  );
  await w.close();
});

Deno.test("f32Writer writes raw little-endian rows and the same sidecar", async () => {
  await using tmp = await tempDir();
  const path = `${tmp.dir}/v.f32`;
  const w = await f32Writer(path, { provenance });
  await w.write(records(1, 2), { rows: 2, dim: 3, data: rows(0, 2, 3) });
  await w.write(records(3, 1), { rows: 1, dim: 3, data: rows(2, 1, 3) });
  await w.close();
  const bytes = await Deno.readFile(path);
  assert.equal(bytes.length, 3 * 3 * 4);
  const view = new DataView(bytes.buffer);
  const expected = rows(0, 3, 3);
  for (let i = 0; i < expected.length; i++) {
    assert.equal(view.getFloat32(i * 4, true), expected[i]);
  }
  const sidecar = JSON.parse(await Deno.readTextFile(`${path}.json`));
  assert.deepEqual(sidecar, {
    format: "f32",
    file: "v.f32",
    dtype: "float32",
    dims: 3,
    count: 3,
    pipeline: "test-pipeline",
    hash: "abc123",
    ids_file: "v.f32.ids.txt",
  });
});
