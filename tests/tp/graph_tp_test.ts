import assert from "node:assert/strict";
import { Effect, Exit } from "effect";
import { resolve } from "node:path";
import { padBatch } from "../../src/tokenize/pad_batch.ts";
import { cacheDir } from "../../src/onnx/cache_dir.ts";
import { GraphBuilder } from "../../src/onnx/fixture/graph_builder.ts";
import {
  DataType,
  decodeModel,
  encodeModel,
  type ModelProto,
} from "../../src/onnx/proto.ts";
import { findLayers } from "../../src/onnx/rewrite/expose.ts";
import { rewriteModelFile } from "../../src/onnx/rewrite/rewrite_file.ts";
import { TP_MASK_INPUT } from "../../src/onnx/tp/graph.ts";
import { tokenPrependingFile } from "../../src/onnx/tp/rewrite_file.ts";
import { maxAbsDiff, tinyFixture } from "../onnx/_cases.ts";
import { testPaths } from "../test_paths.ts";
import { oneHot, opts, statesOn, tpPath } from "./_tp.ts";

const SMOL = `${resolve(testPaths.models)}/reference-graphs/SmolLM3-3B-ONNX/`;

/** Whether every node reads only graph inputs, initializers and earlier nodes' outputs. */
const topological = (model: ModelProto): string | undefined => {
  const g = model.graph!;
  const known = new Set<string>([
    ...(g.input ?? []).map((v) => v.name!),
    ...(g.initializer ?? []).map((t) => t.name!),
  ]);
  for (const n of g.node ?? []) {
    for (const t of n.input ?? []) {
      if (t !== "" && !known.has(t)) {
        return `${n.name} reads ${t} before it exists`;
      }
    }
    for (const t of n.output ?? []) known.add(t);
  }
  return undefined;
};

const byName = (model: ModelProto, name: string) =>
  model.graph!.node!.find((n) => n.name === name)!;

for (const file of ["model.onnx", "model_quantized.onnx"]) {
  Deno.test(`SmolLM3-3B reference graph ${file}: TP [1, 7) rewrites the fused skip norms and keeps the chain`, async () => {
    const tp = await Effect.runPromise(
      tokenPrependingFile(`${SMOL}${file}`, { start: 1, exit: 7 }),
    );
    assert.equal(tp.strategy, "skip-norm-chain");
    assert.equal(tp.layers, 36);
    const model = decodeModel(await Deno.readFile(tp.path));
    assert.equal(topological(model), undefined);
    assert.ok(model.graph!.input!.some((v) => v.name === TP_MASK_INPUT));
    for (let k = 1; k <= 7; k++) {
      const skip = byName(
        model,
        `/model/layers.${k}/input_layernorm/SkipLayerNorm`,
      );
      // the residual still comes straight from the previous skip norm ...
      assert.equal(
        skip.input![0],
        `/model/layers.${k - 1}/post_attention_layernorm/output_3`,
      );
      // ... and the sub-layer input is overwritten inside the range only
      if (k < 7) {
        assert.equal(skip.input![1], `/sentemb_tp/layer${k}/Add/output_0`);
      } else {assert.equal(
          skip.input![1],
          "/model/layers.6/mlp/down_proj/MatMul/output_0",
        );}
    }
    const added = model.graph!.node!.filter((n) =>
      n.name!.startsWith("/sentemb_tp/")
    );
    assert.equal(added.length, 1 + 6 * 6);
    // the hidden-state finder still reads the layers, and its rewrite stacks on top
    const map = findLayers(model);
    assert.ok(typeof map !== "string", String(map));
    assert.equal(map.layers, 36);
    const exposed = await Effect.runPromise(rewriteModelFile(tp.path));
    assert.equal(exposed.hiddenStates.length, 37);
    assert.ok(exposed.inputs.some((i) => i.name === TP_MASK_INPUT));
  });
}

Deno.test("SmolLM3-3B: TP from layer 0 rewires the embedding's readers", async () => {
  const tp = await Effect.runPromise(
    tokenPrependingFile(`${SMOL}model.onnx`, { start: 0, exit: 1 }),
  );
  const model = decodeModel(await Deno.readFile(tp.path));
  assert.equal(topological(model), undefined);
  const x0 = "/sentemb_tp/layer0/Add/output_0";
  assert.equal(
    byName(model, "/model/layers.0/input_layernorm/LayerNorm").input![0],
    x0,
  );
  assert.equal(
    byName(model, "/model/layers.0/post_attention_layernorm/SkipLayerNorm")
      .input![0],
    x0,
  );
  assert.equal(
    byName(model, "/model/layers.1/input_layernorm/SkipLayerNorm").input![1],
    "/model/layers.0/mlp/down_proj/MatMul/output_0",
  );
});

Deno.test("the TP file is cached by source hash and range", async () => {
  const fixture = await tinyFixture("llama", "op");
  const a = await Effect.runPromise(
    tokenPrependingFile(fixture.modelPath, { start: 0, exit: 2 }),
  );
  const mtime = (await Deno.stat(a.path)).mtime;
  const again = await Effect.runPromise(
    tokenPrependingFile(fixture.modelPath, { start: 0, exit: 2 }),
  );
  assert.equal(again.path, a.path);
  assert.deepEqual((await Deno.stat(again.path)).mtime, mtime);
  const other = await Effect.runPromise(
    tokenPrependingFile(fixture.modelPath, { start: 1, exit: 2 }),
  );
  assert.notEqual(other.path, a.path);
  assert.ok(a.path.startsWith(cacheDir()));
  assert.match(a.path, /\/tp\/[0-9a-f]{16}\/model\.onnx$/);
});

Deno.test("encoders and out-of-range layers are refused with typed errors", async () => {
  const bert = await tinyFixture("bert", "op");
  const enc = await Effect.runPromiseExit(
    tokenPrependingFile(bert.modelPath, { start: 0, exit: 1 }),
  );
  assert.ok(Exit.isFailure(enc));
  assert.match(String(enc.cause), /TokenPrependingUnsupported[\s\S]*post-norm/);
  const llama = await tinyFixture("llama", "decomposed");
  for (
    const range of [{ start: 0, exit: 3 }, { start: 2, exit: 1 }, {
      start: -1,
      exit: 1,
    }]
  ) {
    const exit = await Effect.runPromiseExit(
      tokenPrependingFile(llama.modelPath, range),
    );
    assert.ok(Exit.isFailure(exit));
    assert.match(String(exit.cause), /must lie within \[0, 2\]/);
  }
});

Deno.test({
  name: "a TP graph run without the batch's tp mask fails naming the input",
  ...opts,
  fn: async () => {
    const fixture = await tinyFixture("gpt2", "op");
    const path = await tpPath(fixture.modelPath, { start: 0, exit: 1 });
    await assert.rejects(
      () => statesOn("native", path, padBatch([[2, 3, 4]], 0, "left")),
      /tp_mask needs the batch's Token Prepending mask/,
    );
  },
});

/**
 * A two-layer skip-norm chain whose skip norms carry a bias input (the
 * optional fourth input fused exports may fill), embeddings only in, no
 * attention: enough for the layer finder and the overwrite.
 */
const biasedChain = (): ModelProto => {
  const d = 4;
  const g = new GraphBuilder();
  const ids = g.input("input_ids", DataType.INT64, ["b", "s"]);
  const embed = g.init(
    "embed",
    Float32Array.from({ length: 10 * d }, (_, i) => Math.sin(i + 1)),
    [10, d],
  );
  const w = g.init(
    "w",
    Float32Array.from({ length: d * d }, (_, i) => Math.cos(i) / 2),
    [d, d],
  );
  const gamma = g.init("gamma", Float32Array.of(1, 0.9, 1.1, 1), [d]);
  const bias = g.init("bias", Float32Array.of(0.1, -0.2, 0.3, 0), [d]);
  const skip = (name: string, resid: string, branch: string, last = false) =>
    g.node(
      "SkipSimplifiedLayerNormalization",
      `${name}/SkipLayerNorm`,
      [resid, branch, gamma, bias],
      { epsilon: { f: 1e-5 } },
      last
        ? [`${name}/output_0`]
        : [`${name}/output_0`, "", "", `${name}/output_3`],
      "com.microsoft",
    );
  const x0 = g.op("Gather", "/model/embed_tokens/Gather", [embed, ids]);
  const h0 = g.node(
    "SimplifiedLayerNormalization",
    "/model/layers.0/input_layernorm/LayerNorm",
    [x0, gamma],
    { epsilon: { f: 1e-5 } },
  )[0];
  let [h, , , s] = skip(
    "/model/layers.0/post_attention_layernorm",
    x0,
    g.op("MatMul", "/model/layers.0/attn/MatMul", [h0, w]),
  );
  [h, , , s] = skip(
    "/model/layers.1/input_layernorm",
    s,
    g.op("Sigmoid", "/model/layers.0/mlp/Sigmoid", [
      g.op("MatMul", "/model/layers.0/mlp/MatMul", [h, w]),
    ]),
  );
  [h, , , s] = skip(
    "/model/layers.1/post_attention_layernorm",
    s,
    g.op("MatMul", "/model/layers.1/attn/MatMul", [h, w]),
  );
  const [out] = skip(
    "/model/layers.2/final_norm_layernorm",
    s,
    g.op("Sigmoid", "/model/layers.1/mlp/Sigmoid", [
      g.op("MatMul", "/model/layers.1/mlp/MatMul", [h, w]),
    ]),
    true,
  );
  g.node("MatMul", "/lm_head/MatMul", [out, w], {}, ["logits"]);
  g.output("logits", DataType.FLOAT, ["b", "s", d]);
  return g.model("biased");
};

Deno.test({
  name:
    "a skip norm with a bias input: the layer's input row is the last row, other rows untouched",
  ...opts,
  fn: async () => {
    await Deno.mkdir(".cache", { recursive: true });
    const dir = await Deno.makeTempDir({ dir: ".cache" });
    const path = `${dir}/model.onnx`;
    await Deno.writeFile(path, encodeModel(biasedChain()));
    const b = padBatch([[1, 2, 3, 4, 5], [6, 7, 8]], 0, "left");
    const tpMask = oneHot([1, 3], b.seq);
    const plain = await statesOn("native", path, b);
    const tp = await statesOn(
      "native",
      await tpPath(path, { start: 1, exit: 2 }),
      { ...b, tpMask },
    );
    await Deno.remove(dir, { recursive: true });
    const d = plain.dim;
    const row = (h: typeof plain, l: number, r: number, t: number) => {
      const at = ((l * h.batch + r) * h.seq + t) * d;
      return Array.from(h.data.subarray(at, at + d));
    };
    for (const [r, p] of [[0, 1], [1, 3]]) {
      for (let t = 0; t < b.seq; t++) {
        const want = t === p
          ? row(plain, 1, r, b.seq - 1)
          : row(plain, 1, r, t);
        const got = row(tp, 1, r, t);
        assert.ok(
          maxAbsDiff(got, want) <= 1e-6,
          `row ${r} t ${t}: ${got} vs ${want}`,
        );
        if (t < p) assert.deepEqual(row(tp, 2, r, t), row(plain, 2, r, t));
      }
    }
  },
});
