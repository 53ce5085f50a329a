import "../temp_cache.ts";
import assert from "node:assert/strict";
import {
  hfLlamaConfig,
  hfLlamaTensors,
  hiddenStates,
  leftPad,
  permuteRowsToHalfSplit,
  toHalfSplitRope,
} from "../../src/llama2c/mod.ts";
import { maxAbsDiff } from "./arrays.ts";
import { stories } from "./stories.ts";

const w = stories.weights;

Deno.test("q/k rows move from adjacent pairs to half-split, head by head", () => {
  const rows = (n: number) => Float32Array.from({ length: n }, (_, i) => i);
  assert.deepEqual(Array.from(permuteRowsToHalfSplit(rows(4), 1, 4)), [
    0,
    2,
    1,
    3,
  ]);
  assert.deepEqual(Array.from(permuteRowsToHalfSplit(rows(8), 2, 4)), [
    0,
    2,
    1,
    3,
    4,
    6,
    5,
    7,
  ]);
  // Two columns per row: whole rows move.
  assert.deepEqual(Array.from(permuteRowsToHalfSplit(rows(8), 1, 4)), [
    0,
    1,
    4,
    5,
    2,
    3,
    6,
    7,
  ]);
});

Deno.test("the half-split layout computes the same hidden states", () => {
  const batch = leftPad([
    Array.from(stories.tokenizer.encode("One day, she saw a big, red ball.")),
    Array.from(stories.tokenizer.encode("Hi")),
  ], 0);
  const a = hiddenStates(w, batch);
  const b = hiddenStates(toHalfSplitRope(w), batch);
  const diff = maxAbsDiff(a.data, b.data);
  assert.ok(diff < 1e-5, `max |Δ| ${diff}`);
  // Without the permutation the half-split rotation is a different model.
  const wrong = hiddenStates({ ...w, rope: "half-split" }, batch);
  assert.ok(maxAbsDiff(a.data, wrong.data) > 1e-2);
});

Deno.test("tensors carry Hugging Face Llama names, shapes and tied lm_head", () => {
  const tensors = hfLlamaTensors(w);
  const byName = new Map(tensors.map((t) => [t.name, t]));
  assert.equal(tensors.length, 1 + 9 * 5 + 2);
  for (const t of tensors) {
    assert.equal(
      t.data.length,
      t.shape.reduce((a, b) => a * b, 1),
      t.name,
    );
  }
  const q = byName.get("model.layers.3.self_attn.q_proj.weight")!;
  assert.deepEqual(q.shape, [64, 64]);
  assert.deepEqual(
    byName.get("model.layers.3.self_attn.k_proj.weight")!.shape,
    [32, 64],
  );
  assert.deepEqual(byName.get("model.layers.0.mlp.down_proj.weight")!.shape, [
    64,
    172,
  ]);
  // HF row 1 of head 0 is llama2.c row 2; row 4 (second half) is row 1.
  assert.deepEqual(q.data.subarray(64, 128), w.layers[3].wq.subarray(128, 192));
  assert.deepEqual(
    q.data.subarray(4 * 64, 5 * 64),
    w.layers[3].wq.subarray(64, 128),
  );
  assert.equal(
    byName.get("model.layers.2.mlp.gate_proj.weight")!.data,
    w.layers[2].w1,
  );
  assert.equal(
    byName.get("model.layers.2.mlp.up_proj.weight")!.data,
    w.layers[2].w3,
  );
  assert.equal(
    byName.get("lm_head.weight")!.data,
    byName.get("model.embed_tokens.weight")!.data,
  );
  const config = hfLlamaConfig(w.config);
  assert.equal(config.num_key_value_heads, 4);
  assert.equal(config.tie_word_embeddings, true);
  assert.equal(config.rms_norm_eps, 1e-5);
});
