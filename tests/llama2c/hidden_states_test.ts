import "../temp_cache.ts";
import assert from "node:assert/strict";
import {
  hiddenStates,
  kvCacheStepper,
  leftPad,
  logitsOfHidden,
} from "../../src/llama2c/mod.ts";
import { maxAbsDiff, rowOf } from "./arrays.ts";
import { golden, stories } from "./stories.ts";

const w = stories.weights;
const dim = w.config.dim;

Deno.test("the batch forward's final states give the KV-cache stepper's logits", () => {
  const ids = golden.greedy.slice(0, 12);
  const h = hiddenStates(w, leftPad([ids], 0));
  assert.deepEqual(h.shape, [6, 1, 12, 64]);
  const stepper = kvCacheStepper(w);
  let worst = 0;
  ids.forEach((id, t) => {
    worst = Math.max(
      worst,
      maxAbsDiff(logitsOfHidden(w, h, 0, t), stepper.step(id, t)),
    );
  });
  assert.ok(worst < 1e-5, `max |Δlogit| ${worst}`);
  // Layer 0 is the embedding lookup itself.
  assert.deepEqual(
    rowOf(h, 0, 0, 3),
    w.tokenEmbedding.subarray(ids[3] * dim, (ids[3] + 1) * dim),
  );
});

Deno.test("a left-padded row computes exactly what the sequence computes alone", () => {
  const texts = [
    "A man is playing a guitar.",
    "Lily was sad.",
    "Once upon a time, there was a dog.",
  ];
  const seqs = texts.map((t) => Array.from(stories.tokenizer.encode(t)));
  const batch = leftPad(seqs, 0);
  const h = hiddenStates(w, batch);
  seqs.forEach((ids, r) => {
    const alone = hiddenStates(w, leftPad([ids], 0));
    const pad = batch.seq - ids.length;
    for (let l = 0; l <= w.config.nLayers; l++) {
      for (let t = 0; t < ids.length; t++) {
        assert.deepEqual(
          rowOf(h, l, r, pad + t),
          rowOf(alone, l, 0, t),
          `row ${r} layer ${l} t ${t}`,
        );
      }
    }
  });
  assert.ok(h.data.every(Number.isFinite));
});

Deno.test("bad batches are RangeErrors", () => {
  assert.throws(
    () =>
      hiddenStates(w, {
        ids: Int32Array.of(1, 2),
        mask: Uint8Array.of(1),
        batch: 1,
        seq: 2,
      }),
    /batch × seq = 2/,
  );
  assert.throws(
    () => hiddenStates(w, leftPad([[1, 512]], 0)),
    /token id 512 at 1/,
  );
});
