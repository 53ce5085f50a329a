import "../temp_cache.ts";
import assert from "node:assert/strict";
import { Effect } from "effect";
import { Forward } from "../../src/forward/service.ts";
import { loadPipeline } from "../../src/pipeline/load.ts";
import { recipeFor } from "../../src/recipes/mod.ts";
import { loadPretrainedTokenizer } from "../../src/tokenize/pretrained_tokenizer.ts";
import { HF_EXPORTS, loadReference, runTest } from "./hf_export_fixture.ts";

/**
 * Every model of ../shared/models/hf-exports (exported by transformers +
 * Optimum, with PyTorch's hidden states): the graph rewrite finds every
 * layer and each `hidden_states.i` equals PyTorch's on real positions; the
 * recipes equal the same pooling of PyTorch's states; a sentence's vector
 * does not depend on the batch it shares.
 */
const EXPORTS = [
  "bert",
  "bert-quantized",
  "distilbert",
  "mpnet",
  "roberta",
  "gpt2",
  "gpt2-with-past",
  "llama",
  "llama-with-past",
  "opt",
];

// Dynamic int8 quantization: states differ from fp32 PyTorch by int8 error,
// and activations are quantized per batch (README of hf-exports).
const QUANTIZED = new Set(["bert-quantized"]);

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  assert.equal(a.length, b.length);
  let e = 0;
  for (let i = 0; i < a.length; i++) e = Math.max(e, Math.abs(a[i] - b[i]));
  return e;
};

for (const name of EXPORTS) {
  Deno.test(`hf-exports/${name}: every hidden state, the recipes and batch independence match PyTorch`, async () => {
    const ref = loadReference(name);
    const { meta, padded } = ref;
    const folder = `${HF_EXPORTS}/${name}`;
    const quantized = QUANTIZED.has(name);
    const tol = quantized ? 0.25 : 1e-4;
    const decoder = meta.padding_side === "left";

    // 1. The rewrite exposes L + 1 states, each PyTorch's on real positions.
    const h = await runTest(Effect.gen(function* () {
      const f = yield* Forward;
      const m = yield* f.load(`${folder}/${meta.onnx_file}`, {
        finalOnly: false,
      });
      return yield* m.run(padded, [...Array(meta.layers + 1).keys()]);
    }));
    assert.equal(h.count, meta.layers + 1, "every layer found");
    assert.equal(h.dim, meta.hidden);
    const { batch, seq, dim } = h;
    for (let l = 0; l < h.count; l++) {
      let e = 0;
      for (let b = 0; b < batch; b++) {
        for (let s = 0; s < seq; s++) {
          if (!padded.mask[b * seq + s]) continue;
          const at = ((l * batch + b) * seq + s) * dim;
          e = Math.max(
            e,
            maxDiff(
              h.data.subarray(at, at + dim),
              ref.states.data.subarray(at, at + dim),
            ),
          );
        }
      }
      assert.ok(e <= tol, `hidden_states.${l}: max |Δ| ${e}`);
    }

    // 2. Our tokenizer gives the ids PyTorch was fed.
    const sentences = meta.sentences!;
    const tokenizer = await runTest(loadPretrainedTokenizer(folder));
    sentences.forEach((s, b) => {
      const ids = Array.from(tokenizer.tokenize(s).ids);
      const row = Array.from(padded.ids.subarray(b * seq, (b + 1) * seq))
        .filter((_, j) => padded.mask[b * seq + j] === 1);
      assert.deepEqual(ids, row, `ids of sentence ${b}`);
    });

    // 3. Full recipes equal the same pooling of PyTorch's states.
    const recipes: Array<[string, string]> = decoder
      ? [["last-token", "last_token"], ["mean", "last_mean"], [
        "first-last-mean",
        "first_last_mean",
      ]]
      : [["first-last-mean", "first_last_mean"], ["mean", "last_mean"], [
        "cls",
        "cls",
      ]];
    const file = meta.onnx_file === "onnx/model.onnx"
      ? {}
      : { file: meta.onnx_file };
    for (const [r, pooled] of recipes) {
      const { together, alone } = await runTest(Effect.gen(function* () {
        const spec = yield* recipeFor(r, folder, file);
        const p = yield* loadPipeline(spec);
        const e = yield* p.fit(sentences);
        const together = yield* e.embed(sentences);
        const alone = [];
        for (const s of sentences) alone.push(yield* e.embed([s]));
        return { together, alone };
      }));
      const want = ref.pool(pooled);
      const e = maxDiff(together.data, want.data);
      assert.ok(e <= tol, `${r} vs PyTorch's ${pooled}: max |Δ| ${e}`);
      // 4. A sentence's vector is the same alone as in a mixed-length batch.
      // Dynamic quantization scales activations per batch: inherent drift.
      const batchTol = quantized ? 0.15 : 1e-5;
      alone.forEach((v, i) => {
        const d = maxDiff(
          v.data,
          together.data.subarray(i * together.dim, (i + 1) * together.dim),
        );
        assert.ok(d <= batchTol, `${r} sentence ${i} alone vs batch: ${d}`);
      });
    }

    // 5. Decoders: Token Prepending rewrites the exported graph and keeps
    // each sentence's vector independent of its batch.
    if (decoder) {
      const { together, alone } = await runTest(Effect.gen(function* () {
        const spec = yield* recipeFor("knowledge-tp", folder, {
          tp: { start: 1, exit: 3 },
        });
        const p = yield* loadPipeline(spec);
        const e = yield* p.fit(sentences);
        const together = yield* e.embed(sentences);
        const alone = [];
        for (const s of sentences) alone.push(yield* e.embed([s]));
        return { together, alone };
      }));
      assert.ok(together.data.every(Number.isFinite));
      alone.forEach((v, i) => {
        const d = maxDiff(
          v.data,
          together.data.subarray(i * together.dim, (i + 1) * together.dim),
        );
        assert.ok(d <= 1e-5, `knowledge-tp sentence ${i} alone vs batch: ${d}`);
      });
    }
  });
}
