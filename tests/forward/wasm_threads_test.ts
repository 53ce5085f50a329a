import "../temp_cache.ts";
import assert from "node:assert/strict";
import { Effect } from "effect";
import { Forward, forwardLayer } from "../../src/forward/service.ts";
import { batchFor, tinyFixture } from "../onnx/_cases.ts";

Deno.test({
  name:
    "the WASM backend runs on every core by default, not onnxruntime-web's 1 thread in Deno",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const fixture = await tinyFixture("bert", "op");
    const states = await Effect.runPromise(
      Effect.scoped(Effect.gen(function* () {
        const model = yield* (yield* Forward).load(fixture.modelPath);
        return yield* model.run(batchFor("bert"));
      })).pipe(Effect.provide(forwardLayer("wasm"))),
    );
    assert.equal(states.dim, 32);
    const ort = await import("onnxruntime-web");
    assert.equal(ort.env.wasm.numThreads, navigator.hardwareConcurrency);
  },
});
