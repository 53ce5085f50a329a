import "../temp_cache.ts";
import assert from "node:assert/strict";
import { batchByTokens } from "../../src/io/batch_tokens.ts";

const words = (t: string) => t.split(" ").length;

const records = (n: number, seed = 7) => {
  let s = seed;
  const rand = () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  return Array.from({ length: n }, (_, i) => ({
    id: String(i),
    text: Array.from({ length: 1 + Math.floor(rand() * 40) }, () => "w").join(
      " ",
    ),
  }));
};

Deno.test("batchByTokens keeps input order and respects both bounds", async () => {
  const input = records(500);
  for (
    const [maxTokens, maxRows] of [[64, 8], [100, 3], [1000, 50], [5, 100]]
  ) {
    const batches = await Array.fromAsync(
      batchByTokens(input, { countTokens: words, maxTokens, maxRows }),
    );
    assert.deepEqual(batches.flat(), input, "every record once, in order");
    for (const b of batches) {
      assert.ok(b.length >= 1 && b.length <= maxRows);
      const tokens = b.reduce((n, r) => n + words(r.text), 0);
      assert.ok(
        tokens <= maxTokens || b.length === 1,
        `${tokens} > ${maxTokens}`,
      );
    }
    // Greedy: a batch closes only when the next record would not fit.
    for (let i = 0; i + 1 < batches.length; i++) {
      const b = batches[i];
      const next = words(batches[i + 1][0].text);
      const tokens = b.reduce((n, r) => n + words(r.text), 0);
      assert.ok(b.length === maxRows || tokens + next > maxTokens);
    }
  }
});

Deno.test("batchByTokens padded counts rows × the longest record", async () => {
  const input = ["a", "a a a a", "a", "a"].map((text) => ({ text }));
  const batches = await Array.fromAsync(batchByTokens(input, {
    countTokens: words,
    maxTokens: 8,
    maxRows: 10,
    padded: true,
  }));
  // [1, 4] costs 2×4 = 8; adding another makes 3×4 = 12.
  assert.deepEqual(batches.map((b) => b.length), [2, 2]);
});

Deno.test("batchByTokens reads an async source lazily", async () => {
  let pulled = 0;
  async function* source() {
    for (let i = 0; i < 1000; i++) {
      pulled++;
      yield { text: "a b" };
    }
  }
  for await (
    const _ of batchByTokens(source(), {
      countTokens: words,
      maxTokens: 10,
      maxRows: 4,
    })
  ) break;
  assert.equal(pulled, 4, "a full batch goes without reading ahead");
});

Deno.test("batchByTokens refuses empty bounds", async () => {
  await assert.rejects(
    Array.fromAsync(batchByTokens([{ text: "a" }], {
      countTokens: words,
      maxTokens: 0,
      maxRows: 1,
    })),
    RangeError,
  );
});
