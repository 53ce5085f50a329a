import assert from "node:assert/strict";
import { Effect, Exit } from "effect";
import {
  buildFixture,
  buildFixtureFromFile,
  fixtureModel,
  fixtureWeights,
} from "../../src/onnx/fixture/build.ts";
import {
  decodeArchConfig,
  TINY_CONFIGS,
} from "../../src/onnx/fixture/config.ts";
import { decodeModel, encodeModel, int64 } from "../../src/onnx/proto.ts";
import { testPaths } from "../test_paths.ts";
import { TEST_CACHE } from "../temp_cache.ts";
import { SEED, tinyFixture } from "./_cases.ts";

const opTypes = (bytes: Uint8Array) =>
  new Set(decodeModel(bytes).graph!.node!.map((n) => n.opType));
const nodeNames = (bytes: Uint8Array) =>
  new Set(decodeModel(bytes).graph!.node!.map((n) => n.name));

Deno.test("bert-base-uncased config.json decodes to a full-size BERT-base", async () => {
  const json = JSON.parse(
    await Deno.readTextFile(
      `${testPaths.models}/bert-base-uncased/config.json`,
    ),
  );
  const c = Effect.runSync(decodeArchConfig(json));
  assert.deepEqual(c, {
    arch: "bert",
    vocab: 30522,
    hidden: 768,
    layers: 12,
    heads: 12,
    intermediate: 3072,
    maxPositions: 512,
    typeVocab: 2,
    eps: 1e-12,
  });
});

Deno.test("a config with inconsistent heads is a BadConfig", () => {
  const exit = Effect.runSyncExit(
    decodeArchConfig({ ...TINY_CONFIGS.bert, num_attention_heads: 5 }),
  );
  assert.ok(Exit.isFailure(exit));
  assert.match(String(exit.cause), /BadConfig[\s\S]*not a multiple of 5 heads/);
  const gqa = Effect.runSyncExit(
    decodeArchConfig({ ...TINY_CONFIGS.llama, num_key_value_heads: 3 }),
  );
  assert.ok(Exit.isFailure(gqa));
});

Deno.test("a missing config.json is a MissingModelFiles error naming it", async () => {
  const exit = await Effect.runPromiseExit(
    buildFixtureFromFile("/nonexistent/model/config.json"),
  );
  assert.ok(Exit.isFailure(exit));
  assert.match(
    String(exit.cause),
    /MissingModelFiles[\s\S]*\/nonexistent\/model\/config\.json/,
  );
});

Deno.test("fixtures are deterministic in their seed", () => {
  const c = Effect.runSync(decodeArchConfig(TINY_CONFIGS.llama));
  const a = encodeModel(fixtureModel(fixtureWeights(c, 1)));
  const b = encodeModel(fixtureModel(fixtureWeights(c, 1)));
  const other = encodeModel(fixtureModel(fixtureWeights(c, 2)));
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, other);
  assert.equal(a.length, other.length);
});

Deno.test("a fixture is written once, under the cache, as a model folder", async () => {
  const first = await tinyFixture("bert", "op");
  // This file's cache starts empty (tests/temp_cache.ts): the first call writes.
  assert.equal(first.built, true);
  const again = await Effect.runPromise(
    buildFixture(TINY_CONFIGS.bert, { seed: SEED, norm: "op" }),
  );
  assert.equal(again.built, false);
  assert.equal(again.modelPath, first.modelPath);
  assert.ok(first.modelPath.startsWith(`${TEST_CACHE}/fixtures/`));
  assert.match(
    first.modelPath,
    /\/fixtures\/bert-[0-9a-f]{16}\/onnx\/model\.onnx$/,
  );
  const config = JSON.parse(
    await Deno.readTextFile(`${first.dir}/config.json`),
  );
  assert.equal(config.hidden_size, 32);
  assert.equal((await Deno.stat(first.modelPath)).size, first.bytes);
});

Deno.test("the BERT fixture is named and typed like an Optimum export", async () => {
  const bytes = await Deno.readFile(
    (await tinyFixture("bert", "op")).modelPath,
  );
  const g = decodeModel(bytes).graph!;
  assert.deepEqual(
    g.input!.map((v) => [v.name, v.type!.tensorType!.elemType]),
    [
      ["input_ids", 7],
      ["attention_mask", 7],
      ["token_type_ids", 7],
    ],
  );
  assert.deepEqual(g.output!.map((v) => v.name), ["last_hidden_state"]);
  const names = nodeNames(bytes);
  for (
    const n of [
      "/embeddings/word_embeddings/Gather",
      "/embeddings/LayerNorm/LayerNormalization",
      "/encoder/layer.0/attention/self/Softmax",
      "/encoder/layer.1/output/LayerNorm/LayerNormalization",
    ]
  ) assert.ok(names.has(n), n);
  const decomposed = await Deno.readFile(
    (await tinyFixture("bert", "decomposed")).modelPath,
  );
  assert.ok(!opTypes(decomposed).has("LayerNormalization"));
  for (const op of ["ReduceMean", "Sub", "Pow", "Sqrt", "Div"]) {
    assert.ok(opTypes(decomposed).has(op), op);
  }
  assert.ok(
    nodeNames(decomposed).has("/encoder/layer.1/output/LayerNorm/Add_1"),
  );
});

Deno.test("the quantized encoder replaces every weight MatMul by MatMulInteger", async () => {
  const bytes = await Deno.readFile(
    (await tinyFixture("bert", "op", true)).modelPath,
  );
  const g = decodeModel(bytes).graph!;
  const ops = g.node!.map((n) => n.opType);
  // 6 weight MatMuls per layer; the attention MatMuls (activation x activation) stay float
  assert.equal(ops.filter((o) => o === "MatMulInteger").length, 12);
  assert.equal(ops.filter((o) => o === "MatMul").length, 4);
  assert.equal(ops.filter((o) => o === "DynamicQuantizeLinear").length, 8);
  const q = g.initializer!.find((t) =>
    t.name === "encoder.layer.0.attention.self.query.weight_quantized"
  )!;
  assert.equal(q.dataType, 2);
  assert.deepEqual(q.dims!.map(int64), [32, 32]);
});

Deno.test("decoder fixtures take a KV cache and return logits and present", async () => {
  for (const arch of ["gpt2", "llama"] as const) {
    const g = decodeModel(
      await Deno.readFile((await tinyFixture(arch, "decomposed")).modelPath),
    ).graph!;
    assert.deepEqual(g.input!.map((v) => v.name), [
      "input_ids",
      "attention_mask",
      "position_ids",
      "past_key_values.0.key",
      "past_key_values.0.value",
      "past_key_values.1.key",
      "past_key_values.1.value",
    ]);
    assert.deepEqual(g.output!.map((v) => v.name), [
      "logits",
      "present.0.key",
      "present.0.value",
      "present.1.key",
      "present.1.value",
    ]);
    const kv = g.input![3].type!.tensorType!.shape!.dim!.map((d) =>
      d.dimParam || int64(d.dimValue)
    );
    assert.deepEqual(kv, [
      "batch_size",
      arch === "gpt2" ? 4 : 2,
      "past_sequence_length",
      8,
    ]);
  }
  const fused = opTypes(
    await Deno.readFile((await tinyFixture("llama", "op")).modelPath),
  );
  assert.ok(
    fused.has("SkipSimplifiedLayerNormalization") &&
      fused.has("SimplifiedLayerNormalization"),
  );
});
