import "../temp_cache.ts";
import assert from "node:assert/strict";
import { openSentenceStore } from "../../src/eval/sentence_store.ts";

const key = (n: number) => n.toString(16).padStart(64, "0");

Deno.test("the sentence store reads back what it flushed, in a new instance", async () => {
  const dir = await Deno.makeTempDir({ dir: ".cache" });
  try {
    const a = await openSentenceStore(dir, 1 << 20);
    assert.ok(
      a.put(key(1), { shape: [2, 3], data: Float32Array.of(1, 2, 3, 4, 5, 6) }),
    );
    assert.ok(a.put(key(2), { shape: [1], data: Float32Array.of(-7.5) }));
    await a.flush();
    a.put(key(3), { shape: [2], data: Float32Array.of(8, 9) });
    await a.flush();
    const b = await openSentenceStore(dir, 1 << 20);
    assert.equal(b.size, 3);
    assert.deepEqual(b.get(key(1))?.shape, [2, 3]);
    assert.deepEqual([...b.get(key(1))!.data], [1, 2, 3, 4, 5, 6]);
    assert.deepEqual([...b.get(key(2))!.data], [-7.5]);
    assert.deepEqual([...b.get(key(3))!.data], [8, 9]);
    assert.equal(b.get(key(4)), undefined);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the sentence store stops keeping entries past its byte budget", async () => {
  const dir = await Deno.makeTempDir({ dir: ".cache" });
  try {
    // One record of 100 floats is 32 + 4 + 4 + 400 bytes.
    const s = await openSentenceStore(dir, 700);
    const v = { shape: [100], data: new Float32Array(100) };
    assert.ok(s.put(key(1), v));
    assert.equal(s.put(key(2), v), false);
    assert.equal(s.get(key(2)), undefined);
    assert.throws(() => s.put("not-hex", v), RangeError);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
