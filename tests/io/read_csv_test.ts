import "../temp_cache.ts";
import assert from "node:assert/strict";
import {
  BinaryInput,
  InvalidUtf8,
  MalformedRecord,
  RecordTooLong,
} from "../../src/io/errors.ts";
import { type CsvOptions, readCsv } from "../../src/io/read_csv.ts";
import { chunked, streamOf } from "./_helpers.ts";

const read = async (
  input: ReadableStream<Uint8Array>,
  options?: CsvOptions,
) => {
  const reader = readCsv(input, options);
  const records = await Array.fromAsync(reader.records);
  return { records, stats: reader.stats };
};

const QUOTED = [
  "id,label,text", // 1
  'a,x,"one line"', // 2
  "", // 3
  'b,y,"two', // 4
  'lines, with a comma"', // 5
  'c,z,"she said ""hi""', // 6
  "", // 7
  'and left"', // 8
  "d,w,plain", // 9
].join("\r\n") + "\r\n";

Deno.test("readCsv: quoted fields with newlines, records start-line numbered", async () => {
  for (const size of [1, 4, 1000]) {
    const { records, stats } = await read(chunked(QUOTED, size), {
      idColumn: "id",
    });
    assert.deepEqual(records, [
      { id: "a", text: "one line", line: 2 },
      { id: "b", text: "two\nlines, with a comma", line: 4 },
      { id: "c", text: 'she said "hi"\n\nand left', line: 6 },
      { id: "d", text: "plain", line: 9 },
    ], `chunks of ${size}`);
    assert.equal(stats.blank, 1);
  }
});

Deno.test("readCsv without an id column uses the start line as id", async () => {
  const { records } = await read(streamOf(QUOTED));
  assert.deepEqual(records.map((r) => r.id), ["2", "4", "6", "9"]);
});

Deno.test("readCsv reads TSV with named columns", async () => {
  const tsv = 'sentence\tkey\nA "quoted" word\tk1\n\tk2\nlast\tk3\n';
  const { records, stats } = await read(streamOf(tsv), {
    delimiter: "\t",
    idColumn: "key",
    textColumn: "sentence",
  });
  assert.deepEqual(records, [
    { id: "k1", text: 'A "quoted" word', line: 2 },
    { id: "k3", text: "last", line: 4 },
  ]);
  assert.equal(stats.blank, 1, "the blank sentence of k2");
});

Deno.test("readCsv refuses a header without the named columns", async () => {
  await assert.rejects(
    read(streamOf("id,body\n1,x\n"), { source: "s.csv" }),
    (e: unknown) =>
      e instanceof MalformedRecord && e.line === 1 &&
      /s\.csv: line 1: the header has no "text" column \(it has "id", "body"\)/
        .test(e.message),
  );
  await assert.rejects(
    read(streamOf("text\nx\n"), { idColumn: "id" }),
    (e: unknown) =>
      e instanceof MalformedRecord && /no "id" column/.test(e.message),
  );
});

Deno.test("readCsv reports malformed CSV as MalformedRecord with its line", async () => {
  await assert.rejects(
    read(streamOf("text,id\nok,1\ntoo,many,fields\n")),
    (e: unknown) => e instanceof MalformedRecord && e.line === 3,
  );
  await assert.rejects(
    read(streamOf('text,id\nok,1\n"never closed,2\n')),
    (e: unknown) =>
      e instanceof MalformedRecord && /Quote Not Closed/i.test(e.message),
  );
});

Deno.test("readCsv names the physical line of invalid UTF-8; skipInvalid skips its record", async () => {
  const input = () =>
    streamOf(
      'id,text\n1,fine\n2,"spans\nbad ',
      [0xff],
      '\nlines"\n3,after\n',
    );
  await assert.rejects(
    read(input(), { idColumn: "id" }),
    (e: unknown) => e instanceof InvalidUtf8 && e.line === 4,
  );
  const { records, stats } = await read(input(), {
    idColumn: "id",
    skipInvalid: true,
  });
  assert.deepEqual(records.map((r) => [r.id, r.line]), [["1", 2], ["3", 6]]);
  assert.equal(stats.invalidUtf8, 1);
});

Deno.test("readCsv refuses binary input and applies the character cap", async () => {
  await assert.rejects(read(streamOf("text\nab\0c\n")), BinaryInput);
  await assert.rejects(
    read(streamOf("text\n0123456789\n"), { maxChars: 5 }),
    (e: unknown) => e instanceof RecordTooLong && e.line === 2,
  );
  const { records, stats } = await read(streamOf("text\n0123456789\nok\n"), {
    maxChars: 5,
    onTooLong: "skip",
  });
  assert.deepEqual(records.map((r) => r.text), ["ok"]);
  assert.equal(stats.tooLong, 1);
});

Deno.test("readCsv reads ahead a bounded amount, and stops reading when we stop", async () => {
  let pulled = 0;
  let cancelled = false;
  const line = new TextEncoder().encode("some id,some text to embed\n");
  const input = new ReadableStream<Uint8Array>({
    start: (c) => c.enqueue(new TextEncoder().encode("id,text\n")),
    pull: (c) => {
      const chunk = new Uint8Array(line.length * 1000);
      for (let i = 0; i < 1000; i++) chunk.set(line, i * line.length);
      pulled += chunk.length;
      c.enqueue(chunk);
    },
    cancel: () => void (cancelled = true),
  }, { highWaterMark: 0 });
  const reader = readCsv(input);
  for await (const record of reader.records) {
    assert.equal(record.text, "some text to embed");
    break;
  }
  assert.ok(pulled < 1_000_000, `read ${pulled} bytes ahead of one record`);
  await new Promise((r) => setTimeout(r, 10));
  assert.ok(cancelled, "the input is cancelled");
});
