import "../temp_cache.ts";
import assert from "node:assert/strict";
import { BinaryInput } from "../../src/io/errors.ts";
import { splitLines } from "../../src/io/lines.ts";
import { chunked, streamOf } from "./_helpers.ts";

const text = (b: Uint8Array) => new TextDecoder().decode(b);

Deno.test("splitLines numbers lines, drops CR before LF, keeps a last line without LF", async () => {
  const lines = await Array.fromAsync(splitLines(streamOf("a\r\nb\n\nc")));
  assert.deepEqual(lines.map((l) => [l.line, text(l.bytes)]), [
    [1, "a"],
    [2, "b"],
    [3, ""],
    [4, "c"],
  ]);
  assert.equal(
    (await Array.fromAsync(splitLines(streamOf("x\n")))).length,
    1,
    "a final LF ends the last line, it does not start another",
  );
  assert.equal((await Array.fromAsync(splitLines(streamOf()))).length, 0);
});

Deno.test("splitLines gives the same lines whatever the chunking", async () => {
  const input = "héllo wörld\n\n日本語のテキスト\r\nlast 😀 line";
  const whole = await Array.fromAsync(splitLines(streamOf(input)));
  for (const size of [1, 2, 3, 5, 7]) {
    const parts = await Array.fromAsync(splitLines(chunked(input, size)));
    assert.deepEqual(
      parts.map((l) => [l.line, text(l.bytes)]),
      whole.map((l) => [l.line, text(l.bytes)]),
      `chunks of ${size}`,
    );
  }
});

Deno.test("splitLines drops a UTF-8 byte-order mark, even split over chunks", async () => {
  const lines = await Array.fromAsync(
    splitLines(streamOf([0xef], [0xbb, 0xbf, 0x61], "\nb")),
  );
  assert.deepEqual(lines.map((l) => text(l.bytes)), ["a", "b"]);
});

Deno.test("splitLines refuses a NUL byte, naming its line", async () => {
  await assert.rejects(
    Array.fromAsync(
      splitLines(streamOf("ok\nfine\nbad\0x\n"), { source: "f.txt" }),
    ),
    (e: unknown) => {
      assert.ok(e instanceof BinaryInput);
      assert.equal(e._tag, "BinaryInput");
      assert.equal(e.line, 3);
      assert.match(e.message, /f\.txt looks binary.*NUL byte.*line 3/);
      return true;
    },
  );
});

Deno.test("splitLines refuses UTF-16 (its byte-order mark)", async () => {
  for (const bom of [[0xff, 0xfe], [0xfe, 0xff]]) {
    await assert.rejects(
      Array.fromAsync(splitLines(streamOf([...bom, 0x61, 0]))),
      (e: unknown) =>
        e instanceof BinaryInput && /UTF-16/.test(e.message) && e.line === 1,
    );
  }
});

Deno.test("splitLines cuts a line over maxLineBytes at a character boundary", async () => {
  // "é" is 2 bytes: a 5-byte cap falls inside the third one.
  const input = "éééé\nok\n";
  for (const size of [1, 3, 100]) {
    const lines = await Array.fromAsync(
      splitLines(chunked(input, size), { maxLineBytes: 5 }),
    );
    assert.equal(lines[0].cut, true);
    assert.equal(text(lines[0].bytes), "éé");
    assert.equal(lines[0].byteLength, 8);
    assert.equal(lines[0].tailInvalid, false);
    assert.deepEqual([lines[1].cut, text(lines[1].bytes), lines[1].line], [
      false,
      "ok",
      2,
    ]);
  }
});

Deno.test("splitLines checks the dropped tail of a cut line for UTF-8", async () => {
  const bad = streamOf("abcdef", [0xc3], "\n");
  const [line] = await Array.fromAsync(splitLines(bad, { maxLineBytes: 3 }));
  assert.equal(line.cut, true);
  assert.equal(line.tailInvalid, true);
});
