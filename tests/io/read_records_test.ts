import "../temp_cache.ts";
import assert from "node:assert/strict";
import {
  formatFromPath,
  openInput,
  readRecords,
} from "../../src/io/read_records.ts";
import { streamOf, tempDir } from "./_helpers.ts";

Deno.test("formatFromPath reads the extension", () => {
  assert.equal(formatFromPath("a/b.jsonl"), "jsonl");
  assert.equal(formatFromPath("b.NDJSON"), "jsonl");
  assert.equal(formatFromPath("c.csv"), "csv");
  assert.equal(formatFromPath("d.tsv"), "tsv");
  assert.equal(formatFromPath("e.tab"), "tsv");
  assert.equal(formatFromPath("f.txt"), "text");
  assert.equal(formatFromPath("no_extension"), "text");
});

Deno.test("readRecords dispatches on the format with shared field names", async () => {
  const ids = async (format: "text" | "jsonl" | "csv" | "tsv", input: string) =>
    (await Array.fromAsync(
      readRecords(streamOf(input), { format, idField: "k", textField: "t" })
        .records,
    )).map((r) => `${r.id}:${r.text}`);
  assert.deepEqual(await ids("text", "a\nb\n"), ["1:a", "2:b"]);
  assert.deepEqual(await ids("jsonl", '{"k": 5, "t": "a"}\n'), ["5:a"]);
  assert.deepEqual(await ids("csv", "t,k\na,x\n"), ["x:a"]);
  assert.deepEqual(await ids("tsv", "k\tt\ny\tb, c\n"), ["y:b, c"]);
});

Deno.test("openInput opens a file lazily with its size", async () => {
  await using tmp = await tempDir();
  const path = `${tmp.dir}/in.txt`;
  await Deno.writeTextFile(path, "one\ntwo\n");
  const input = await openInput(path);
  assert.equal(input.size, 8);
  assert.equal(input.source, path);
  const records = await Array.fromAsync(
    readRecords(input.stream, { format: "text", source: input.source }).records,
  );
  assert.deepEqual(records.map((r) => r.text), ["one", "two"]);
  assert.equal((await openInput()).source, "stdin");
});
