import "../temp_cache.ts";
import assert from "node:assert/strict";
import { Effect } from "effect";
import { Forward } from "../../src/forward/service.ts";
import { buildFeeds } from "../../src/forward/feeds.ts";
import { nativeBackend } from "../../src/forward/native_backend.ts";
import { buildFixture } from "../../src/onnx/fixture/build.ts";
import { buildModelFolder } from "../../src/onnx/fixture/model_folder.ts";
import { decodeModel } from "../../src/onnx/proto.ts";
import { rewriteModelFile } from "../../src/onnx/rewrite/rewrite_file.ts";
import { loadPipeline } from "../../src/pipeline/load.ts";
import { recipeFor } from "../../src/recipes/mod.ts";
import { HF_EXPORTS, runTest } from "../models/hf_export_fixture.ts";
import { batchFor, maxAbsDiff, SEED } from "./_cases.ts";
import { TEST_CACHE } from "../temp_cache.ts";
import { hubClientLayer } from "../../src/hub/client.ts";
import { gitSha1, startFakeHub } from "../hub/fake_hub.ts";

/**
 * Optimum's merged decoder (`decoder_model_merged.onnx`: one `If` on
 * `use_cache_branch` over the decoder with and without a cache, weights in
 * the outer graph) gives exactly the hidden states and recipes of the plain
 * decoder built from the same weights, whose rewrite the hf-exports tests
 * check against PyTorch.
 */
const CASES = [
  { label: "gpt2", arch: "gpt2", norm: "op" },
  { label: "llama decomposed RMSNorm", arch: "llama", norm: "decomposed" },
  { label: "llama fused skip norms", arch: "llama", norm: "op" },
] as const;

const CONFIGS = {
  gpt2: {
    model_type: "gpt2",
    vocab_size: 1001,
    n_embd: 32,
    n_layer: 3,
    n_head: 4,
    n_inner: null,
    n_positions: 64,
    layer_norm_epsilon: 1e-5,
  },
  llama: {
    model_type: "llama",
    vocab_size: 1001,
    hidden_size: 32,
    num_hidden_layers: 3,
    num_attention_heads: 4,
    num_key_value_heads: 2,
    intermediate_size: 64,
    rms_norm_eps: 1e-6,
    rope_theta: 10000,
    tie_word_embeddings: false,
  },
} as const;

const SENTENCES = [
  "A man is playing a guitar.",
  "Hello!",
  "The quick brown fox jumps over the lazy dog near the riverbank.",
];

for (const c of CASES) {
  Deno.test(`merged decoder (${c.label}): Optimum's layout, every hidden state equals the plain decoder's`, async () => {
    const options = { seed: SEED, norm: c.norm };
    const [plain, merged] = await Promise.all([
      Effect.runPromise(buildFixture(CONFIGS[c.arch], options)),
      Effect.runPromise(
        buildFixture(CONFIGS[c.arch], { ...options, merged: true }),
      ),
    ]);
    assert.match(merged.modelPath, /onnx\/decoder_model_merged\.onnx$/);

    // The layout: one If named optimum::if on use_cache_branch (bool [1]),
    // weights in the outer graph, the no-cache decoder in else_branch.
    const g = decodeModel(Deno.readFileSync(merged.modelPath)).graph!;
    assert.equal(g.node!.length, 1);
    const ifNode = g.node![0];
    assert.equal(ifNode.opType, "If");
    assert.equal(ifNode.name, "optimum::if");
    assert.deepEqual(ifNode.input, ["use_cache_branch"]);
    const useCache = g.input!.find((v) => v.name === "use_cache_branch")!;
    assert.equal(useCache.type!.tensorType!.elemType, 9);
    assert.equal(
      Number(useCache.type!.tensorType!.shape!.dim![0].dimValue),
      1,
    );
    assert.ok(g.input!.some((v) => v.name === "past_key_values.0.key"));
    const branches = Object.fromEntries(
      ifNode.attribute!.map((a) => [a.name!, a.g!]),
    );
    for (const b of Object.values(branches)) {
      assert.equal(b.initializer?.length ?? 0, 0);
      assert.ok(b.node!.some((n) => /layers?\.2\/|h\.2\//.test(n.name!)));
    }
    const readsPast = (name: string) =>
      branches[name].node!.some((n) =>
        n.input!.some((t) => t.startsWith("past_key_values."))
      );
    assert.ok(readsPast("then_branch") && !readsPast("else_branch"));
    assert.ok(
      g.initializer!.some((t) => /embed_tokens|wte/.test(t.name!)),
    );

    // ONNX Runtime runs the merged file itself (no-cache branch, empty
    // past): its logits are the plain decoder's.
    const b = batchFor(c.arch);
    const specs = g.input!.filter((v) => v.name !== "use_cache_branch").map((
      v,
    ) => ({
      name: v.name!,
      elemType: v.type!.tensorType!.elemType!,
      dims: v.type!.tensorType!.shape!.dim!.map((d) =>
        d.dimParam || Number(d.dimValue)
      ),
    }));
    const feeds = buildFeeds(specs, b);
    assert.ok(typeof feeds !== "string", String(feeds));
    const runLogits = async (path: string, extra = {}) => {
      const session = await nativeBackend().open(path);
      try {
        // deno-lint-ignore no-explicit-any
        const f = { ...feeds, ...extra } as any;
        return (await session.run(f, ["logits"])).logits.data;
      } finally {
        await session.release();
      }
    };
    // the plain fixture declares the same inputs but use_cache_branch;
    // onnxruntime-node takes a bool tensor as a Uint8Array.
    const plainLogits = await runLogits(plain.modelPath);
    const mergedLogits = await runLogits(merged.modelPath, {
      use_cache_branch: { type: "bool", data: Uint8Array.of(0), dims: [1] },
    });
    assert.ok(maxAbsDiff(plainLogits, mergedLogits) <= 1e-5);

    // The rewrite lifts the no-cache branch: no past inputs, every layer.
    const rewritten = await Effect.runPromise(
      rewriteModelFile(merged.modelPath),
    );
    assert.equal(rewritten.layers, 3);
    assert.deepEqual(
      rewritten.inputs.map((i) => i.name),
      ["input_ids", "attention_mask", "position_ids"],
    );
    const [p, m] = await runTest(Effect.gen(function* () {
      const f = yield* Forward;
      const a = yield* f.load(plain.modelPath, { finalOnly: false });
      const z = yield* f.load(merged.modelPath, { finalOnly: false });
      return [yield* a.run(b), yield* z.run(b)];
    }));
    assert.equal(m.count, 4);
    const size = b.batch * b.seq * m.dim;
    for (let k = 0; k < m.count; k++) {
      const d = maxAbsDiff(
        m.data.subarray(k * size, (k + 1) * size),
        p.data.subarray(k * size, (k + 1) * size),
      );
      assert.ok(d <= 1e-5, `hidden_states.${k}: max |Δ| ${d}`);
    }
    // the states differ from one another: a wrong tap could not pass
    assert.ok(
      maxAbsDiff(
        m.data.subarray(size, 2 * size),
        m.data.subarray(2 * size, 3 * size),
      ) > 0.1,
    );
  });
}

Deno.test("merged decoder folders: recipes pick onnx/decoder_model_merged.onnx, last-token and mean equal the plain decoder's, alone or in a batch", async () => {
  const dir = `${TEST_CACHE}/merged-models`;
  for (const arch of ["gpt2", "llama"] as const) {
    const { plainDir, mergedDir } = await Effect.runPromise(
      Effect.gen(function* () {
        const tok = `${HF_EXPORTS}/${arch}`;
        const a = yield* buildModelFolder(
          dir,
          `${arch}-plain`,
          CONFIGS[arch],
          tok,
          { seed: SEED },
        );
        const z = yield* buildModelFolder(
          dir,
          `${arch}-merged`,
          CONFIGS[arch],
          tok,
          { seed: SEED, merged: true },
        );
        return { plainDir: a.dir, mergedDir: z.dir };
      }),
    );
    assert.deepEqual(
      [...Deno.readDirSync(`${mergedDir}/onnx`)].map((e) => e.name),
      ["decoder_model_merged.onnx"],
    );
    for (const name of ["last-token", "mean"]) {
      const run = (folder: string) =>
        runTest(Effect.gen(function* () {
          const spec = yield* recipeFor(name, folder);
          const pipeline = yield* loadPipeline(spec);
          const e = yield* pipeline.fit(SENTENCES);
          const together = yield* e.embed(SENTENCES);
          const alone = [];
          for (const s of SENTENCES) alone.push(yield* e.embed([s]));
          return { spec, together, alone };
        }));
      const plain = await run(plainDir);
      const merged = await run(mergedDir);
      const t = merged.spec.stages.find((s) => s._tag === "transformer") as {
        file?: string;
      };
      assert.equal(t.file, "onnx/decoder_model_merged.onnx");
      const d = maxAbsDiff(merged.together.data, plain.together.data);
      assert.ok(d <= 1e-5, `${arch} ${name}: merged vs plain ${d}`);
      merged.alone.forEach((v, i) => {
        const e = maxAbsDiff(
          v.data,
          merged.together.data.subarray(
            i * merged.together.dim,
            (i + 1) * merged.together.dim,
          ),
        );
        assert.ok(e <= 1e-5, `${arch} ${name} sentence ${i} alone: ${e}`);
      });
    }
  }
});

Deno.test("a hub decoder repo with only onnx/decoder_model_merged.onnx: the recipe finds it in the repo's file list and downloads it", async () => {
  const { dir } = await Effect.runPromise(
    buildModelFolder(
      `${TEST_CACHE}/merged-hub`,
      "gpt2-merged",
      CONFIGS.gpt2,
      `${HF_EXPORTS}/gpt2`,
      { seed: SEED, merged: true },
    ),
  );
  const repo = "sentemb-test/gpt2-merged";
  const files = ["config.json", "tokenizer.json", "tokenizer_config.json"]
    .concat(["vocab.json", "merges.txt", "special_tokens_map.json"])
    .concat(["onnx/decoder_model_merged.onnx"])
    .filter((f) => {
      try {
        return Deno.statSync(`${dir}/${f}`).isFile;
      } catch {
        return false;
      }
    })
    .map((path) => ({
      path,
      bytes: Deno.readFileSync(`${dir}/${path}`),
      lfs: path.endsWith(".onnx"),
    }));
  const hub = startFakeHub([
    { repo, commit: gitSha1(new TextEncoder().encode(repo)), files },
  ]);
  const cache = await Deno.makeTempDir({ dir: TEST_CACHE, prefix: "hf-" });
  const embed = (model: string) =>
    runTest(
      Effect.gen(function* () {
        const spec = yield* recipeFor("last-token", model);
        const e = yield* (yield* loadPipeline(spec)).fit(SENTENCES);
        return { spec, v: yield* e.embed(SENTENCES) };
      }).pipe(Effect.provide(hubClientLayer({
        endpoint: hub.url,
        cacheDir: cache,
        token: undefined,
        offline: false,
        progress: undefined,
      }))),
    );
  try {
    const fromHub = await embed(repo);
    const t = fromHub.spec.stages.find((s) => s._tag === "transformer") as {
      file?: string;
    };
    assert.equal(t.file, "onnx/decoder_model_merged.onnx");
    assert.ok(
      hub.seen.some((s) => s.path.endsWith("/onnx/decoder_model_merged.onnx")),
    );
    const local = await embed(dir);
    assert.ok(maxAbsDiff(fromHub.v.data, local.v.data) <= 1e-6);
  } finally {
    await hub.close();
    await Deno.remove(cache, { recursive: true });
  }
});
