import "../temp_cache.ts";
import assert from "node:assert/strict";
import { Effect, Exit } from "effect";
import { relative } from "node:path";
import { Forward } from "../../src/forward/service.ts";
import { fixtureWeights } from "../../src/onnx/fixture/build.ts";
import { TINY_CONFIGS } from "../../src/onnx/fixture/config.ts";
import type { NormForm } from "../../src/onnx/fixture/emit.ts";
import { buildModelFolder } from "../../src/onnx/fixture/model_folder.ts";
import type { OptWeights } from "../../src/onnx/fixture/opt_weights.ts";
import { runTask } from "../run_task.ts";
import { decodeModel } from "../../src/onnx/proto.ts";
import { rewriteModelFile } from "../../src/onnx/rewrite/rewrite_file.ts";
import { loadPipeline } from "../../src/pipeline/load.ts";
import { recipeFor } from "../../src/recipes/mod.ts";
import { padBatch } from "../../src/tokenize/pad_batch.ts";
import { loadPretrainedTokenizer } from "../../src/tokenize/pretrained_tokenizer.ts";
import { optForward } from "../reference/opt_forward.ts";
import { TEST_CACHE } from "../temp_cache.ts";
import { testLayer } from "../test_paths.ts";
import { HF_EXPORTS, rootDir, runTest } from "./hf_export_fixture.ts";

/**
 * OPT-350m's shape — post-norm layers (`do_layer_norm_before: false`, no
 * final norm) between `project_in` and `project_out` (32-d embeddings,
 * 64-d layers) — built as a fixture named like torch.onnx's OPT export:
 * the rewrite finds every layer, each state equals a plain TypeScript
 * forward written from Hugging Face's OPT modelling code (states 0 … L−1
 * 64-d, the last 32-d after project_out), and the recipes embed it end to
 * end through `--model FOLDER`.
 */
const SEED = 5;
const CONFIG = { ...TINY_CONFIGS.opt, vocab_size: 1001 };
const SENTENCES = [
  "A man is playing a guitar.",
  "Hello!",
  "The quick brown fox jumps over the lazy dog near the riverbank.",
];

const folder = (norm: NormForm) =>
  Effect.runPromise(
    buildModelFolder(
      `${TEST_CACHE}/opt-models`,
      `opt-350m-shape-${norm}`,
      CONFIG,
      `${HF_EXPORTS}/opt`,
      { seed: SEED, norm },
    ),
  );

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  assert.equal(a.length, b.length);
  let e = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    e = Number.isNaN(d) ? Infinity : Math.max(e, d);
  }
  return e;
};

const tokenIds = async (dir: string) => {
  const tokenizer = await runTest(loadPretrainedTokenizer(dir));
  return SENTENCES.map((s) => tokenizer.tokenize(s).ids);
};

for (const norm of ["decomposed", "op"] as const) {
  Deno.test(`OPT-350m shape (${norm} LayerNorm): every hidden state equals the TypeScript reference, left- or right-padded`, async () => {
    const { dir, fixture } = await folder(norm);
    const graph = decodeModel(Deno.readFileSync(fixture.modelPath)).graph!;
    const names = graph.node!.map((n) => n.name!);
    for (
      const n of [
        "/model/decoder/embed_tokens/Gather",
        "/model/decoder/project_in/MatMul",
        "/model/decoder/embed_positions/CumSum",
        "/model/decoder/Add_2",
        "/model/decoder/layers.0/self_attn/q_proj/MatMul",
        "/model/decoder/layers.0/fc1/Gemm",
        "/model/decoder/layers.2/activation_fn/Relu",
        "/model/decoder/project_out/MatMul",
        "/lm_head/MatMul",
      ]
    ) assert.ok(names.includes(n), n);
    assert.ok(
      !names.some((n) => n.startsWith("/model/decoder/final_layer_norm")),
    );
    assert.deepEqual(graph.input!.map((v) => v.name), [
      "input_ids",
      "attention_mask",
    ]);

    const rewritten = await Effect.runPromise(
      rewriteModelFile(fixture.modelPath),
    );
    assert.equal(rewritten.strategy, "post-norm-decoder");
    assert.equal(rewritten.layers, 3);
    const w = fixtureWeights(fixture.config, SEED) as OptWeights;
    const L = 3;
    const ids = await tokenIds(dir);
    for (const side of ["left", "right"] as const) {
      const b = padBatch(ids, 1, side);
      const ref = optForward(w, b);
      const [h, last] = await runTest(Effect.gen(function* () {
        const f = yield* Forward;
        const m = yield* f.load(fixture.modelPath, { finalOnly: false });
        return [yield* m.run(b, [0, 1, 2]), yield* m.run(b, [L])];
      }));
      assert.equal(h.dim, 64);
      assert.equal(last.dim, 32);
      const real = (
        k: number,
        dim: number,
        got: Float32Array,
        want: Float32Array,
      ) => {
        let e = 0;
        for (let p = 0; p < b.batch * b.seq; p++) {
          if (!b.mask[p]) continue;
          const at = (k * b.batch * b.seq + p) * dim;
          e = Math.max(
            e,
            maxDiff(got.subarray(at, at + dim), want.subarray(at, at + dim)),
          );
        }
        return e;
      };
      for (let k = 0; k < L; k++) {
        const e = real(k, 64, h.data, ref.layers);
        assert.ok(e <= 1e-4, `${side} hidden_states.${k}: max |Δ| ${e}`);
      }
      const e = real(0, 32, last.data, ref.last);
      assert.ok(e <= 1e-4, `${side} hidden_states.${L}: max |Δ| ${e}`);
      // the states differ: a tap one layer off could not pass
      const size = b.batch * b.seq * 64;
      assert.ok(
        maxDiff(h.data.subarray(size, 2 * size), h.data.subarray(2 * size)) >
          0.1,
      );
    }
  });
}

/** Mean and last token of the last state over real tokens, from the reference. */
const referencePools = async (dir: string, w: OptWeights) => {
  const ids = await tokenIds(dir);
  const mean: number[][] = [];
  const lastToken: number[][] = [];
  for (const row of ids) {
    const b = padBatch([row], 1, "right");
    const { last, lastDim } = optForward(w, b);
    const m = new Array(lastDim).fill(0);
    for (let i = 0; i < row.length; i++) {
      for (let j = 0; j < lastDim; j++) {
        m[j] += last[i * lastDim + j] / row.length;
      }
    }
    mean.push(m);
    lastToken.push(
      Array.from(
        last.subarray((row.length - 1) * lastDim, row.length * lastDim),
      ),
    );
  }
  return { mean, "last-token": lastToken };
};

const embedCli = (args: string[]) =>
  runTask("embed", args, SENTENCES.join("\n") + "\n");

Deno.test("OPT-350m shape: embed --model FOLDER --recipe mean / last-token give the reference's 32-d vectors, a sentence alone as in a batch", async () => {
  const { dir, fixture } = await folder("decomposed");
  const w = fixtureWeights(fixture.config, SEED) as OptWeights;
  const want = await referencePools(dir, w);
  const ref = `./${relative(rootDir, dir)}`;
  for (const name of ["mean", "last-token"] as const) {
    const r = await embedCli(["--model", ref, "--recipe", name]);
    assert.equal(r.code, 0, r.stderr);
    const got = r.stdout.trim().split("\n").map((l) =>
      JSON.parse(l).embedding as number[]
    );
    assert.equal(got.length, SENTENCES.length);
    got.forEach((v, i) => {
      assert.equal(v.length, 32, `${name} is word_embed_proj_dim wide`);
      const e = maxDiff(v, want[name][i]);
      assert.ok(e <= 1e-4, `${name} sentence ${i} vs reference: ${e}`);
    });
    const { together, alone } = await runTest(Effect.gen(function* () {
      const p = yield* loadPipeline(yield* recipeFor(name, dir));
      const e = yield* p.fit(SENTENCES);
      const together = yield* e.embed(SENTENCES);
      const alone = [];
      for (const s of SENTENCES) alone.push(yield* e.embed([s]));
      return { together, alone };
    }));
    alone.forEach((v, i) => {
      const e = maxDiff(v.data, together.data.subarray(i * 32, (i + 1) * 32));
      assert.ok(e <= 1e-5, `${name} sentence ${i} alone vs batch: ${e}`);
    });
  }
  // first-last mixes a 64-d layer state with the 32-d projected last one.
  const mixed = await Effect.runPromiseExit(
    Effect.gen(function* () {
      const p = yield* loadPipeline(yield* recipeFor("first-last-mean", dir));
      return yield* (yield* p.fit(SENTENCES)).embed(SENTENCES);
    }).pipe(Effect.provide(testLayer)),
  );
  assert.ok(Exit.isFailure(mixed));
  assert.match(String(mixed.cause), /project_out/);
});

Deno.test("deno task pipelines reports an OPT-350m-shaped pipeline's own width: the projected last state, or a layer's", async () => {
  const { hostReport } = await import("../../src/cli/pipeline_host.ts");
  const { testPaths } = await import("../test_paths.ts");
  const { dir } = await folder("decomposed");
  const [last, middle] = await Effect.runPromise(
    Effect.all([
      recipeFor("mean", dir),
      recipeFor("layer-k", dir, { layer: 1 }),
    ]).pipe(Effect.provide(testLayer)),
  );
  // CONFIG: 64-d layers, a 32-d embedding and last state (project_out).
  assert.equal(CONFIG.hidden_size, 64);
  assert.equal(CONFIG.word_embed_proj_dim, 32);
  // The folder given by its path is found (not looked for under models/).
  assert.equal(hostReport(last, testPaths, false).runnable, true);
  assert.equal(hostReport(last, testPaths, false).dim, 32);
  assert.equal(hostReport(middle, testPaths, false).dim, 64);
});
