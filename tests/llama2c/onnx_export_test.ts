import assert from "node:assert/strict";
import { Effect } from "effect";
import { padBatch } from "../../src/tokenize/pad_batch.ts";
import {
  exportStories260K,
  greedyDecodeOnnx,
  leftPad,
} from "../../src/llama2c/mod.ts";
import { cacheDir } from "../../src/onnx/cache_dir.ts";
import { decodeArchConfig } from "../../src/onnx/fixture/config.ts";
import { BACKENDS, maxRealDiff, opts, statesOn } from "../tp/_tp.ts";
import { testPaths } from "../test_paths.ts";
import { golden, referenceStates, stories } from "./stories.ts";

const OPENING =
  "Once upon a time, there was a little girl named Lily. She loved to play outside in the park.";

const FORMS = ["decomposed", "op"] as const;

const exported = (norm: "decomposed" | "op") =>
  Effect.runPromise(exportStories260K(testPaths, { norm }));

Deno.test("the export is cached by the checkpoint's hash and carries an HF config", async () => {
  const first = await exported("decomposed");
  const again = await exported("decomposed");
  assert.equal(again.built, false);
  assert.equal(again.modelPath, first.modelPath);
  assert.ok(first.modelPath.startsWith(cacheDir()));
  assert.match(
    first.modelPath,
    /\/models\/stories260K\/onnx\/model\.onnx$/,
  );
  const sums = await Deno.readTextFile(
    `${testPaths.models}/stories260K/SHA256SUMS`,
  );
  assert.ok(sums.includes(`${first.sourceSha}  stories260K.bin`), sums);
  const config = JSON.parse(
    await Deno.readTextFile(`${first.dir}/config.json`),
  );
  assert.equal(config.model_type, "llama");
  assert.equal(config.num_key_value_heads, 4);
  const arch = await Effect.runPromise(decodeArchConfig(config));
  assert.deepEqual(
    [arch.hidden, arch.layers, arch.vocab],
    [64, 5, 512],
  );
  assert.ok((await Deno.stat(`${first.dir}/tok512.bin`)).size > 0);
});

for (const norm of FORMS) {
  Deno.test({
    name:
      `stories260K ONNX (${norm}) hidden states equal the TS reference on both backends`,
    ...opts,
    fn: async () => {
      const { modelPath } = await exported(norm);
      const rows = [
        "Lily was sad.",
        "The dog ran to the park and played.",
        "Hi",
      ]
        .map((s) => Array.from(stories.tokenizer.encode(s)));
      const batch = padBatch(rows, 0, "left");
      const ref = referenceStates(leftPad(rows, 0));
      for (const backend of BACKENDS) {
        const got = await statesOn(backend, modelPath, batch);
        assert.deepEqual([got.count, got.batch, got.dim], [6, 3, 64]);
        const diff = maxRealDiff(got, ref, batch.mask);
        assert.ok(diff <= 1e-4, `${backend}: ${diff}`);
      }
    },
  });

  Deno.test({
    name:
      `greedy decoding on the ONNX logits (${norm}) reproduces the story opening on both backends`,
    ...opts,
    fn: async () => {
      const { modelPath } = await exported(norm);
      for (const backend of BACKENDS) {
        const ids = await Effect.runPromise(
          greedyDecodeOnnx(backend, modelPath, { steps: 32 }),
        );
        assert.deepEqual(Array.from(ids), golden.greedy.slice(0, 33));
        const text = stories.tokenizer.decode(ids);
        assert.ok(
          text.startsWith(OPENING),
          `${backend}: ${JSON.stringify(text)}`,
        );
      }
    },
  });
}
