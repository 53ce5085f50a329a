import "../temp_cache.ts";
import assert from "node:assert/strict";
import { Effect, Exit, Layer } from "effect";
import type { Backend } from "../../src/forward/backend.ts";
import { layerView } from "../../src/forward/hidden_states.ts";
import { nativeBackend } from "../../src/forward/native_backend.ts";
import {
  Forward,
  forwardLayer,
  makeForward,
} from "../../src/forward/service.ts";
import { fixtureWeights } from "../../src/onnx/fixture/build.ts";
import { referenceForward } from "../reference/mod.ts";
import {
  batchFor,
  CASES,
  maxAbsDiff,
  SEED,
  tinyFixture,
} from "../onnx/_cases.ts";

// onnxruntime keeps its thread pools (native) and wasm instance alive across
// tests by design, which the sanitizers would report as leaks.
const opts = { sanitizeOps: false, sanitizeResources: false };

const statesOn = (backend: "native" | "wasm", path: string, arch: string) =>
  Effect.runPromise(
    Effect.scoped(Effect.gen(function* () {
      const forward = yield* Forward;
      const model = yield* forward.load(path);
      return yield* model.run(batchFor(arch));
    })).pipe(Effect.provide(forwardLayer(backend))),
  );

for (const c of CASES) {
  Deno.test({
    name:
      `forward of ${c.label}: native and WASM agree with each other and the reference`,
    ...opts,
    fn: async () => {
      const fixture = await tinyFixture(c.arch, c.norm);
      const native = await statesOn("native", fixture.modelPath, c.arch);
      const wasm = await statesOn("wasm", fixture.modelPath, c.arch);
      const b = batchFor(c.arch);
      assert.deepEqual([native.count, native.batch, native.seq, native.dim], [
        3,
        2,
        6,
        32,
      ]);
      assert.deepEqual([...native.mask], [...b.mask]);
      const diff = maxAbsDiff(native.data, wasm.data);
      assert.ok(diff <= 1e-4, `native vs wasm: ${diff}`);
      const ref = referenceForward(fixtureWeights(fixture.config, SEED), b);
      assert.ok(maxAbsDiff(native.data, ref.data) <= 1e-4);
      assert.ok(maxAbsDiff(wasm.data, ref.data) <= 1e-4);
    },
  });
}

Deno.test({
  name: "a model's session is created once and reused",
  ...opts,
  fn: async () => {
    const fixture = await tinyFixture("bert", "op");
    const [a, b, states] = await Effect.runPromise(
      Effect.scoped(Effect.gen(function* () {
        const forward = yield* Forward;
        const a = yield* forward.load(fixture.modelPath);
        const b = yield* forward.load(fixture.modelPath);
        return [a, b, yield* b.run(batchFor("bert"))] as const;
      })).pipe(Effect.provide(forwardLayer("native"))),
    );
    assert.equal(a, b);
    assert.equal(layerView(states, 2).length, 2 * 6 * 32);
    assert.throws(() => layerView(states, 3), RangeError);
  },
});

Deno.test({
  name: "a missing model file fails with MissingModelFiles naming the path",
  ...opts,
  fn: async () => {
    for (const backend of ["native", "wasm"] as const) {
      const exit = await Effect.runPromiseExit(
        Effect.scoped(Effect.gen(function* () {
          return yield* (yield* Forward).load(
            "/absent/bert-base-uncased/onnx/model.onnx",
          );
        })).pipe(Effect.provide(forwardLayer(backend))),
      );
      assert.ok(Exit.isFailure(exit));
      assert.match(
        String(exit.cause),
        /MissingModelFiles[\s\S]*\/absent\/bert-base-uncased\/onnx\/model\.onnx/,
      );
    }
  },
});

Deno.test({
  name: "a batch whose arrays do not match its shape is a ForwardFailed error",
  ...opts,
  fn: async () => {
    const fixture = await tinyFixture("gpt2", "op");
    const exit = await Effect.runPromiseExit(
      Effect.scoped(Effect.gen(function* () {
        const model = yield* (yield* Forward).load(fixture.modelPath);
        return yield* model.run({
          batch: 2,
          seq: 3,
          ids: new Int32Array(5),
          mask: new Uint8Array(6),
        });
      })).pipe(Effect.provide(forwardLayer("native"))),
    );
    assert.ok(Exit.isFailure(exit));
    assert.match(
      String(exit.cause),
      /ForwardFailed[\s\S]*ids\/mask length 5\/6 do not match 2 x 3/,
    );
  },
});

Deno.test({
  name:
    "fetching some hidden states gives exactly those slabs of the full run, in the order asked",
  ...opts,
  fn: async () => {
    const fixture = await tinyFixture("bert", "op");
    for (const backend of ["native", "wasm"] as const) {
      const [full, some, one, bad] = await Effect.runPromise(
        Effect.scoped(Effect.gen(function* () {
          const model = yield* (yield* Forward).load(fixture.modelPath);
          const b = batchFor("bert");
          return [
            yield* model.run(b),
            yield* model.run(b, [2, 0]),
            yield* model.run(b, [1]),
            yield* Effect.exit(model.run(b, [3])),
          ] as const;
        })).pipe(Effect.provide(forwardLayer(backend))),
      );
      assert.deepEqual([some.count, some.layers], [2, [2, 0]]);
      const size = full.batch * full.seq * full.dim;
      // Same graph, same batch: the slabs are the same values, bit for bit.
      assert.deepEqual(some.data.subarray(0, size), layerView(full, 2));
      assert.deepEqual(some.data.subarray(size), layerView(full, 0));
      assert.deepEqual(layerView(some, 0), layerView(full, 0));
      assert.throws(() => layerView(some, 1), /not fetched/);
      assert.deepEqual([one.count, one.data.length], [1, size]);
      assert.deepEqual(layerView(one, 1), layerView(full, 1));
      assert.ok(Exit.isFailure(bad));
      assert.match(String(bad.cause), /\[3\] are not all in 0\.\.2/);
    }
  },
});

// A native backend that records which files it opens.
const recording = () => {
  const opened: string[] = [];
  const native = nativeBackend();
  const backend: Backend = {
    name: "native",
    open: (path) => (opened.push(path), native.open(path)),
  };
  return { opened, layer: Layer.effect(Forward, makeForward(backend)) };
};

Deno.test({
  name:
    "a final-only load runs the model's own graph, and opens the rewritten one when other states are asked",
  ...opts,
  fn: async () => {
    const fixture = await tinyFixture("bert", "op");
    const b = batchFor("bert");
    const full = await statesOn("native", fixture.modelPath, "bert");
    const { opened, layer } = recording();
    const [last, first] = await Effect.runPromise(
      Effect.scoped(Effect.gen(function* () {
        const forward = yield* Forward;
        const model = yield* forward.load(fixture.modelPath, {
          finalOnly: true,
        });
        const last = yield* model.run(b, [2]);
        // Only the file itself so far: its last_hidden_state is state 2.
        assert.deepEqual(opened, [fixture.modelPath]);
        return [last, yield* model.run(b, [0])] as const;
      })).pipe(Effect.provide(layer)),
    );
    assert.equal(opened.length, 2);
    assert.match(opened[1], /\/rewritten\//);
    assert.deepEqual(last.layers, [2]);
    assert.ok(maxAbsDiff(layerView(last, 2), layerView(full, 2)) <= 1e-6);
    assert.deepEqual(layerView(first, 0), layerView(full, 0));
  },
});

Deno.test({
  name:
    "a final-only load of a graph without last_hidden_state falls back to the rewritten graph",
  ...opts,
  fn: async () => {
    const fixture = await tinyFixture("gpt2", "op");
    const b = batchFor("gpt2");
    const full = await statesOn("native", fixture.modelPath, "gpt2");
    const { opened, layer } = recording();
    const last = await Effect.runPromise(
      Effect.scoped(Effect.gen(function* () {
        const model = yield* (yield* Forward).load(fixture.modelPath, {
          finalOnly: true,
        });
        return yield* model.run(b, [2]);
      })).pipe(Effect.provide(layer)),
    );
    // Its own graph outputs logits: tried once, then the rewritten graph.
    assert.equal(opened.length, 2);
    assert.deepEqual(opened[0], fixture.modelPath);
    assert.match(opened[1], /\/rewritten\//);
    assert.deepEqual(layerView(last, 2), layerView(full, 2));
  },
});
