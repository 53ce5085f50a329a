import assert from "node:assert/strict";
import { Effect } from "effect";
import {
  exportStories260K,
  PLACEHOLDER_ID,
  type TokenPrepending,
} from "../../src/llama2c/mod.ts";
import { placeholderBatch } from "../../src/prompt/prompt_batch.ts";
import { TEMPLATES } from "../../src/prompt/templates.ts";
import { maxAbsDiff } from "../onnx/_cases.ts";
import { referenceStates, stories } from "../llama2c/stories.ts";
import { testPaths } from "../test_paths.ts";
import { BACKENDS, maxRealDiff, opts, statesOn, tpPath } from "./_tp.ts";

const w = stories.weights;
const promptEol = {
  template: TEMPLATES.promptEol,
  appendPeriod: true,
  replaceDoubleQuotes: true,
};
const sentences = [
  "A man is playing a guitar",
  'Lily said "hi".',
  "The dog ran to the park and played with a big red ball.",
];

const tpBatch = () =>
  Effect.runPromise(
    placeholderBatch(stories.tokenizer, promptEol, sentences, {
      placeholderId: PLACEHOLDER_ID,
    }),
  );

/** The llama2.c TS forward with Token Prepending, the last state normed as the graph gives it. */
const reference = (
  b: Awaited<ReturnType<typeof tpBatch>>,
  tp: TokenPrepending,
) => referenceStates(b.batch, tp);

/** Largest change of the last token's final state between two runs. */
const lastTokenShift = (
  a: Float32Array,
  b: Float32Array,
  batch: number,
  seq: number,
) => {
  const d = w.config.dim;
  const final = w.config.nLayers * batch * seq * d;
  let max = 0;
  for (let r = 0; r < batch; r++) {
    const at = final + (r * seq + seq - 1) * d;
    max = Math.max(
      max,
      maxAbsDiff(a.subarray(at, at + d), b.subarray(at, at + d)),
    );
  }
  return max;
};

for (const norm of ["decomposed", "op"] as const) {
  Deno.test({
    name:
      `TP on stories260K (${norm}) equals the llama2.c TS reference on both backends`,
    ...opts,
    fn: async () => {
      const { modelPath } = await Effect.runPromise(
        exportStories260K(testPaths, { norm }),
      );
      const b = await tpBatch();
      const plain = reference(b, { positions: b.positions, start: 0, exit: 0 });
      for (const [start, exit] of [[1, 4], [0, 5], [2, 3]]) {
        const tp = { positions: b.positions, start, exit };
        const ref = reference(b, tp);
        const shift = lastTokenShift(
          ref.data,
          plain.data,
          b.batch.batch,
          b.batch.seq,
        );
        assert.ok(shift > 1e-2, `TP must change the embedding (${shift})`);
        const path = await tpPath(modelPath, { start, exit });
        for (const backend of BACKENDS) {
          const got = await statesOn(backend, path, b.batch);
          const diff = maxRealDiff(got, ref, b.batch.mask);
          assert.ok(diff <= 1e-4, `${backend} [${start}, ${exit}): ${diff}`);
        }
      }
    },
  });

  Deno.test({
    name:
      `TP with an empty range on stories260K (${norm}) is exactly the plain graph`,
    ...opts,
    fn: async () => {
      const { modelPath } = await Effect.runPromise(
        exportStories260K(testPaths, { norm }),
      );
      const b = await tpBatch();
      for (const backend of BACKENDS) {
        const plain = await statesOn(backend, modelPath, b.batch);
        const path = await tpPath(modelPath, { start: 2, exit: 2 });
        const tp = await statesOn(backend, path, b.batch);
        assert.equal(maxAbsDiff(tp.data, plain.data), 0, backend);
      }
    },
  });
}
