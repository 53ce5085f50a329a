import { Effect } from "effect";
import type { BackendName } from "../forward/backend.ts";
import { padBatch } from "../tokenize/pad_batch.ts";
import { ForwardFailed } from "../forward/errors.ts";
import { buildFeeds } from "../forward/feeds.ts";
import { nativeBackend } from "../forward/native_backend.ts";
import { wasmBackend } from "../forward/wasm_backend.ts";
import { rewriteModelFile } from "../onnx/rewrite/rewrite_file.ts";
import { argmax } from "./kernels.ts";
import { BOS_ID } from "./special_ids.ts";

/**
 * `greedyDecode` driven by an ONNX decoder's `logits` instead of the
 * TypeScript forward: each step runs the whole graph on the sequence so far
 * with an empty KV cache (recomputing the prefix, which costs nothing at
 * stories260K's size and exercises exactly the graph sentemb embeds with).
 * Stops after `steps` positions or when the model emits BOS, as llama2.c
 * does. Returns the prompt followed by the generated ids.
 */
export const greedyDecodeOnnx = Effect.fn("greedyDecodeOnnx")(function* (
  backend: BackendName,
  modelPath: string,
  options: { readonly steps: number; readonly prompt?: ReadonlyArray<number> },
) {
  const prompt = options.prompt ?? [BOS_ID];
  const fail = (reason: string) =>
    new ForwardFailed({ model: modelPath, backend, reason });
  if (prompt.length === 0) {
    return yield* fail("greedy decoding needs a non-empty prompt");
  }
  // The hidden-state rewrite's description lists the graph's inputs without
  // parsing the file again (it is cached on disk).
  const { inputs } = yield* rewriteModelFile(modelPath);
  const runtime = backend === "native" ? nativeBackend() : wasmBackend();
  return yield* Effect.acquireUseRelease(
    Effect.tryPromise({
      try: () => runtime.open(modelPath),
      catch: (e) => fail(`cannot create a session: ${String(e)}`),
    }),
    (session) =>
      Effect.gen(function* () {
        const ids = [...prompt];
        while (ids.length <= options.steps) {
          const feeds = buildFeeds(inputs, padBatch([ids], 0, "left"));
          if (typeof feeds === "string") return yield* fail(feeds);
          const { logits } = yield* Effect.tryPromise({
            try: () => session.run(feeds, ["logits"]),
            catch: (e) => fail(String(e)),
          });
          const vocab = logits.dims[logits.dims.length - 1];
          const next = argmax(
            logits.data.subarray(logits.data.length - vocab),
          );
          if (next === BOS_ID) break;
          ids.push(next);
        }
        return Int32Array.from(ids);
      }),
    (session) => Effect.promise(() => session.release()),
  );
});
