import "../temp_cache.ts";
import assert from "node:assert/strict";
import { padBatch, positionIds } from "../../src/tokenize/pad_batch.ts";

Deno.test("padBatch pads right for encoders", () => {
  const b = padBatch(
    [Uint32Array.of(101, 7, 102), Uint32Array.of(101, 102)],
    0,
    "right",
  );
  assert.deepEqual([b.batch, b.seq], [2, 3]);
  assert.deepEqual([...b.ids], [101, 7, 102, 101, 102, 0]);
  assert.deepEqual([...b.mask], [1, 1, 1, 1, 1, 0]);
});

Deno.test("padBatch pads left for decoders, so each row ends on its last token", () => {
  const b = padBatch([[5], [6, 7, 8]], 9, "left");
  assert.deepEqual([...b.ids], [9, 9, 5, 6, 7, 8]);
  assert.deepEqual([...b.mask], [0, 0, 1, 1, 1, 1]);
  assert.throws(() => padBatch([], 0, "left"), RangeError);
});

Deno.test("position ids count real tokens and put 1 on padding", () => {
  const b = padBatch([[5], [6, 7, 8]], 0, "left");
  assert.deepEqual([...positionIds(b)], [1, 1, 0, 0, 1, 2]);
});
