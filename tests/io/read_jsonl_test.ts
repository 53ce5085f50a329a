import "../temp_cache.ts";
import assert from "node:assert/strict";
import {
  InvalidUtf8,
  MalformedRecord,
  RecordTooLong,
} from "../../src/io/errors.ts";
import { type JsonlOptions, readJsonl } from "../../src/io/read_jsonl.ts";
import { chunked, streamOf } from "./_helpers.ts";

const read = async (
  input: ReadableStream<Uint8Array>,
  options?: JsonlOptions,
) => {
  const reader = readJsonl(input, options);
  const records = await Array.fromAsync(reader.records);
  return { records, stats: reader.stats };
};

Deno.test("readJsonl reads configured id and text fields, line numbers across blank lines", async () => {
  const input = [
    '{"pk": 10, "body": "a cat sat", "extra": [1, 2]}',
    "",
    '{"pk": "b-2", "body": "a dog \\"ran\\" \\u00e9"}',
    '{"pk": 3, "body": "   "}',
    '{"pk": 4, "body": "end"}',
  ].join("\n");
  const { records, stats } = await read(chunked(input, 7), {
    idField: "pk",
    textField: "body",
  });
  assert.deepEqual(records, [
    { id: "10", text: "a cat sat", line: 1 },
    { id: "b-2", text: 'a dog "ran" é', line: 3 },
    { id: "4", text: "end", line: 5 },
  ]);
  assert.equal(stats.blank, 2, "a blank line and a blank text");
});

Deno.test("readJsonl defaults: text field 'text', id the line number", async () => {
  const { records } = await read(
    streamOf('\n{"text": "x", "id": "ignored"}\n'),
  );
  assert.deepEqual(records, [{ id: "2", text: "x", line: 2 }]);
});

Deno.test("readJsonl names the line of a malformed record", async () => {
  const cases: Array<[string, JsonlOptions, RegExp]> = [
    ['{"text": "ok"}\n{"text": broken}\n', {}, /line 2: not valid JSON/],
    ['{"text": "ok"}\n[1, 2]\n', {}, /line 2: expected a JSON object/],
    ['{"body": "ok"}\n', {}, /line 1: no "text" field/],
    ['{"text": 5}\n', {}, /line 1: "text" is not a string/],
    [
      '{"text": "a"}\n\n{"text": "b"}\n',
      { idField: "id" },
      /line 1: no "id" field/,
    ],
    ['{"text": "a", "id": null}\n', { idField: "id" }, /"id" is null/],
  ];
  for (const [input, options, message] of cases) {
    await assert.rejects(
      read(streamOf(input), { source: "in.jsonl", ...options }),
      (e: unknown) =>
        e instanceof MalformedRecord && message.test(e.message) &&
        e.message.startsWith("in.jsonl: "),
      String(message),
    );
  }
});

Deno.test("readJsonl invalid UTF-8: an error naming the line, or skipped and counted", async () => {
  const input = () =>
    streamOf(
      '{"text": "a"}\n{"text": "',
      [0xed, 0xa0, 0x80],
      '"}\n{"text": "c"}\n',
    );
  await assert.rejects(
    read(input()),
    (e: unknown) => e instanceof InvalidUtf8 && e.line === 2,
  );
  const { records, stats } = await read(input(), { skipInvalid: true });
  assert.deepEqual(records.map((r) => r.id), ["1", "3"]);
  assert.equal(stats.invalidUtf8, 1);
});

Deno.test("readJsonl applies the character cap to the text field", async () => {
  const input = () => streamOf('{"text": "0123456789"}\n');
  await assert.rejects(read(input(), { maxChars: 4 }), RecordTooLong);
  const { records } = await read(input(), {
    maxChars: 4,
    onTooLong: "truncate",
  });
  assert.equal(records[0].text, "0123");
});
