import "../temp_cache.ts";
import assert from "node:assert/strict";
import { Effect, Layer } from "effect";
import { cachedForwardLayer } from "../../src/eval/cached_forward.ts";
import { padBatch, type PaddedBatch } from "../../src/tokenize/pad_batch.ts";
import type { HiddenStates } from "../../src/forward/hidden_states.ts";
import { Forward } from "../../src/forward/service.ts";

const COUNT = 2, DIM = 3;

/** A stand-in model: state l of token id t is (t·(l+1), +0.1, +0.2); padding is garbage. */
const fakeStates = (b: PaddedBatch): HiddenStates => {
  const data = new Float32Array(COUNT * b.batch * b.seq * DIM);
  for (let l = 0; l < COUNT; l++) {
    for (let p = 0; p < b.batch * b.seq; p++) {
      for (let k = 0; k < DIM; k++) {
        data[(l * b.batch * b.seq + p) * DIM + k] = b.mask[p]
          ? b.ids[p] * (l + 1) + k / 10
          : 999;
      }
    }
  }
  return {
    count: COUNT,
    batch: b.batch,
    seq: b.seq,
    dim: DIM,
    data,
    mask: b.mask,
  };
};

const fakeForward = (calls: { n: number }) =>
  Layer.succeed(
    Forward,
    Forward.of({
      backend: "native",
      load: (path) =>
        Effect.succeed({
          info: {
            source: path,
            path: `${path}.rewritten.onnx`,
            strategy: "fake",
            layers: COUNT - 1,
            hiddenStates: ["hidden_states.0", "hidden_states.1"],
            inputs: [],
            externalData: [],
          },
          run: (b: PaddedBatch) =>
            Effect.sync(() => {
              calls.n++;
              return fakeStates(b);
            }),
        }),
    }),
  );

const runAll = (dir: string, calls: { n: number }, batches: PaddedBatch[]) =>
  Effect.runPromise(
    Effect.scoped(Effect.gen(function* () {
      const model = yield* (yield* Forward).load("/models/fake/model.onnx");
      const out: HiddenStates[] = [];
      for (const b of batches) out.push(yield* model.run(b));
      return out;
    })).pipe(
      Effect.provide(
        cachedForwardLayer({ dir, budgetMb: 16 }).pipe(
          Layer.provide(fakeForward(calls)),
        ),
      ),
    ),
  );

/** Row r's real-token states must equal the model's own, whatever the padding. */
const assertRealTokensMatch = (h: HiddenStates, b: PaddedBatch) => {
  const want = fakeStates(b);
  for (let l = 0; l < COUNT; l++) {
    for (let p = 0; p < b.batch * b.seq; p++) {
      if (!b.mask[p]) continue;
      for (let k = 0; k < DIM; k++) {
        const at = (l * b.batch * b.seq + p) * DIM + k;
        assert.equal(h.data[at], want.data[at]);
      }
    }
  }
};

Deno.test("cached forward: a batch seen before, in any padding, skips the model, also after a restart", async () => {
  const dir = await Deno.makeTempDir({ dir: ".cache" });
  try {
    const rows = [Uint32Array.of(5, 6, 7), Uint32Array.of(8)];
    const right = padBatch(rows, 0, "right");
    const left = padBatch([rows[1], rows[0]], 0, "left");
    const calls = { n: 0 };
    const [first, again, swapped] = await runAll(dir, calls, [
      right,
      right,
      left,
    ]);
    assert.equal(calls.n, 1);
    assertRealTokensMatch(first, right);
    assertRealTokensMatch(again, right);
    assertRealTokensMatch(swapped, left);
    // From the cache, padding is zeros (pooling never reads it).
    assert.equal(again.data[(1 * 3 + 1) * DIM], 0);

    const restarted = { n: 0 };
    const [fromDisk] = await runAll(dir, restarted, [left]);
    assert.equal(restarted.n, 0);
    assertRealTokensMatch(fromDisk, left);

    const fresh = padBatch([rows[0], Uint32Array.of(9, 9)], 0, "right");
    const [mixed] = await runAll(dir, restarted, [fresh]);
    assert.equal(restarted.n, 1, "a batch with an unseen row runs the model");
    assertRealTokensMatch(mixed, fresh);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cached forward: a request for some states gets exactly those, named, from one full run", async () => {
  const dir = await Deno.makeTempDir({ dir: ".cache" });
  try {
    const b = padBatch([Uint32Array.of(4, 2)], 0, "right");
    const calls = { n: 0 };
    const [last, first] = await Effect.runPromise(
      Effect.scoped(Effect.gen(function* () {
        const model = yield* (yield* Forward).load("/models/fake/model.onnx");
        return [yield* model.run(b, [1]), yield* model.run(b, [0])] as const;
      })).pipe(
        Effect.provide(
          cachedForwardLayer({ dir, budgetMb: 16 }).pipe(
            Layer.provide(fakeForward(calls)),
          ),
        ),
      ),
    );
    assert.equal(calls.n, 1, "the second layer came from the cache");
    assert.deepEqual([last.count, last.layers], [1, [1]]);
    assert.deepEqual(
      [...last.data],
      [8, 8.1, 8.2, 4, 4.1, 4.2].map(Math.fround),
    );
    assert.deepEqual(
      [...first.data],
      [4, 4.1, 4.2, 2, 2.1, 2.2].map(Math.fround),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
