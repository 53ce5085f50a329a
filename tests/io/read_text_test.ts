import "../temp_cache.ts";
import assert from "node:assert/strict";
import {
  BinaryInput,
  InvalidUtf8,
  RecordTooLong,
} from "../../src/io/errors.ts";
import { readText } from "../../src/io/read_text.ts";
import type { ReadOptions } from "../../src/io/record.ts";
import { chunked, streamOf } from "./_helpers.ts";

const read = async (
  input: ReadableStream<Uint8Array>,
  options?: ReadOptions,
) => {
  const reader = readText(input, options);
  const records = await Array.fromAsync(reader.records);
  return { records, stats: reader.stats };
};

Deno.test("readText ids are line numbers, kept across skipped blank lines", async () => {
  const { records, stats } = await read(
    streamOf("first\n\n   \nfourth\r\n\t\nsixth"),
  );
  assert.deepEqual(records, [
    { id: "1", text: "first", line: 1 },
    { id: "4", text: "fourth", line: 4 },
    { id: "6", text: "sixth", line: 6 },
  ]);
  assert.equal(stats.blank, 3);
  assert.equal(stats.records, 3);
});

Deno.test("readText keeps a character split over chunks", async () => {
  const { records } = await read(chunked("café\nnaïve 😀\n", 1));
  assert.deepEqual(records.map((r) => r.text), ["café", "naïve 😀"]);
});

Deno.test("readText names the line of invalid UTF-8", async () => {
  const bad = streamOf("ok\nfine\n", [0x62, 0x61, 0x64, 0xff, 0x0a], "after\n");
  await assert.rejects(read(bad, { source: "in.txt" }), (e: unknown) => {
    assert.ok(e instanceof InvalidUtf8);
    assert.equal(e._tag, "InvalidUtf8");
    assert.equal(e.line, 3);
    assert.match(e.message, /in\.txt: line 3 is not valid UTF-8/);
    return true;
  });
});

Deno.test("readText skipInvalid skips and counts invalid lines, ids stay line numbers", async () => {
  // A truncated sequence at the very end of a line, and an overlong encoding.
  const input = streamOf(
    "one\n",
    [0x74, 0x77, 0x6f, 0xe2, 0x82, 0x0a],
    [0xc0, 0xaf, 0x0a],
    "four\n",
  );
  const { records, stats } = await read(input, { skipInvalid: true });
  assert.deepEqual(records.map((r) => r.id), ["1", "4"]);
  assert.equal(stats.invalidUtf8, 2);
});

Deno.test("readText refuses binary input", async () => {
  const pdfLike = streamOf("%PDF-1.7\n", [0x25, 0x00, 0x01, 0x02]);
  await assert.rejects(read(pdfLike), BinaryInput);
});

Deno.test("readText caps characters: truncate, skip, fail", async () => {
  const input = () => streamOf("short\n0123456789\nok\n");
  const cap = { maxChars: 6 };

  const t = await read(input(), { ...cap, onTooLong: "truncate" });
  assert.deepEqual(t.records.map((r) => r.text), ["short", "012345", "ok"]);
  assert.equal(t.stats.truncated, 1);

  const s = await read(input(), { ...cap, onTooLong: "skip" });
  assert.deepEqual(s.records.map((r) => r.id), ["1", "3"]);
  assert.equal(s.stats.tooLong, 1);

  await assert.rejects(read(input(), cap), (e: unknown) => {
    assert.ok(e instanceof RecordTooLong);
    assert.deepEqual([e.line, e.chars, e.max], [2, 10, 6]);
    return true;
  });
});

Deno.test("readText truncation never splits a surrogate pair", async () => {
  const { records } = await read(streamOf("ab😀cd\n"), {
    maxChars: 3,
    onTooLong: "truncate",
  });
  assert.equal(records[0].text, "ab");
});

Deno.test("readText default cap is the server's 65,536 characters", async () => {
  const ok = "x".repeat(65_536);
  const { records } = await read(streamOf(ok + "\n"));
  assert.equal(records[0].text.length, 65_536);
  await assert.rejects(read(streamOf(ok + "y\n")), RecordTooLong);
});

Deno.test("readText truncates a line too long to hold in memory", async () => {
  // Past 16 MiB the splitter keeps a prefix only; truncate still works.
  const big = new Uint8Array(17 * 1024 * 1024).fill(0x61);
  const { records, stats } = await read(
    streamOf(big, "\nnext\n"),
    { onTooLong: "truncate" },
  );
  assert.equal(records[0].text.length, 65_536);
  assert.deepEqual(records[1], { id: "2", text: "next", line: 2 });
  assert.equal(stats.truncated, 1);
});
