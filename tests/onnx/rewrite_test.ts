import assert from "node:assert/strict";
import { Effect, Exit } from "effect";
import { nativeBackend } from "../../src/forward/native_backend.ts";
import { buildFeeds } from "../../src/forward/feeds.ts";
import { fixtureWeights } from "../../src/onnx/fixture/build.ts";
import { referenceForward } from "../reference/mod.ts";
import { GraphBuilder } from "../../src/onnx/fixture/graph_builder.ts";
import { rewriteModelFile } from "../../src/onnx/rewrite/rewrite_file.ts";
import { DataType, decodeModel, encodeModel } from "../../src/onnx/proto.ts";
import { resolve } from "node:path";
import { testPaths } from "../test_paths.ts";
import { TEST_CACHE } from "../temp_cache.ts";
import { batchFor, CASES, maxAbsDiff, SEED, tinyFixture } from "./_cases.ts";

const rewrite = (path: string, final: "normed" | "residual" = "normed") =>
  Effect.runPromise(rewriteModelFile(path, { final }));

const run = async (path: string, arch: string, fetches: string[]) => {
  const info = decodeModel(await Deno.readFile(path)).graph!.input!.map((
    v,
  ) => ({
    name: v.name!,
    elemType: v.type!.tensorType!.elemType!,
    dims: v.type!.tensorType!.shape!.dim!.map((d) =>
      d.dimParam || Number(d.dimValue)
    ),
  }));
  const feeds = buildFeeds(info, batchFor(arch));
  assert.ok(typeof feeds !== "string", String(feeds));
  const session = await nativeBackend().open(path);
  try {
    return await session.run(feeds, fetches);
  } finally {
    await session.release();
  }
};

for (const c of CASES) {
  Deno.test(`rewrite of ${c.label}: every hidden state matches the TypeScript reference`, async () => {
    const fixture = await tinyFixture(c.arch, c.norm);
    const rewritten = await rewrite(fixture.modelPath);
    assert.equal(rewritten.layers, 2);
    assert.deepEqual(rewritten.hiddenStates, [
      "hidden_states.0",
      "hidden_states.1",
      "hidden_states.2",
    ]);
    const original = c.arch === "bert" ? "last_hidden_state" : "logits";
    const before = await run(fixture.modelPath, c.arch, [original]);
    const after = await run(rewritten.path, c.arch, [
      original,
      ...rewritten.hiddenStates,
    ]);
    // the rewrite only adds outputs: what the model computed is unchanged
    assert.ok(maxAbsDiff(before[original].data, after[original].data) <= 1e-5);
    if (c.arch === "bert") {
      assert.ok(
        maxAbsDiff(
          after["hidden_states.2"].data,
          before.last_hidden_state.data,
        ) <= 1e-5,
      );
    }
    const b = batchFor(c.arch);
    const ref = referenceForward(fixtureWeights(fixture.config, SEED), b);
    const size = b.batch * b.seq * fixture.config.hidden;
    rewritten.hiddenStates.forEach((name, k) => {
      const diff = maxAbsDiff(
        after[name].data,
        ref.data.subarray(k * size, (k + 1) * size),
      );
      assert.ok(diff <= 1e-4, `${name}: max |diff| ${diff}`);
    });
    // the states differ from one another, so a wrong tap could not pass
    assert.ok(
      maxAbsDiff(after["hidden_states.1"].data, after["hidden_states.2"].data) >
        0.1,
    );
  });
}

Deno.test("rewrite with final residual adds output 3 to the fused final norm", async () => {
  const fixture = await tinyFixture("llama", "op");
  const rewritten = await rewrite(fixture.modelPath, "residual");
  const model = decodeModel(await Deno.readFile(rewritten.path));
  const finalNorm = model.graph!.node!.find((n) =>
    n.name === "/model/layers.2/final_norm_layernorm/SkipLayerNorm"
  )!;
  assert.equal(finalNorm.output!.length, 4);
  assert.notEqual(finalNorm.output![3], "");
  const out = await run(rewritten.path, "llama", ["hidden_states.2"]);
  const b = batchFor("llama");
  const ref = referenceForward(
    fixtureWeights(fixture.config, SEED),
    b,
    "residual",
  );
  const size = b.batch * b.seq * 32;
  assert.ok(
    maxAbsDiff(out["hidden_states.2"].data, ref.data.subarray(2 * size)) <=
      1e-4,
  );
});

Deno.test("the quantized encoder rewrites and keeps its output", async () => {
  const fixture = await tinyFixture("bert", "op", true);
  const rewritten = await rewrite(fixture.modelPath);
  assert.equal(rewritten.strategy, "post-norm");
  const before = await run(fixture.modelPath, "bert", ["last_hidden_state"]);
  const after = await run(rewritten.path, "bert", [
    "last_hidden_state",
    ...rewritten.hiddenStates,
  ]);
  assert.ok(
    maxAbsDiff(after["hidden_states.2"].data, before.last_hidden_state.data) <=
      1e-5,
  );
  // against the float reference only 8-bit quantization noise remains, far
  // less than the distance to any other layer's state
  const b = batchFor("bert");
  const ref = referenceForward(fixtureWeights(fixture.config, SEED), b);
  const size = b.batch * b.seq * 32;
  const refState = (k: number) => ref.data.subarray(k * size, (k + 1) * size);
  assert.ok(maxAbsDiff(after["hidden_states.0"].data, refState(0)) <= 1e-5);
  for (const k of [1, 2]) {
    const got = after[`hidden_states.${k}`].data;
    const noise = maxAbsDiff(got, refState(k));
    assert.ok(
      noise > 1e-4 && noise < 0.1,
      `hidden_states.${k}: quantization noise ${noise}`,
    );
    for (const other of [0, 1, 2].filter((o) => o !== k)) {
      assert.ok(
        maxAbsDiff(got, refState(other)) > 10 * noise,
        `hidden_states.${k} vs reference ${other}`,
      );
    }
  }
});

Deno.test("the rewrite is cached by source hash and runs once", async () => {
  const fixture = await tinyFixture("gpt2", "op");
  const first = await rewrite(fixture.modelPath);
  const mtime = (await Deno.stat(first.path)).mtime;
  const second = await rewrite(fixture.modelPath);
  assert.equal(second.path, first.path);
  assert.deepEqual((await Deno.stat(second.path)).mtime, mtime);
  assert.ok(first.path.startsWith(`${TEST_CACHE}/rewritten/`), first.path);
  assert.match(first.path, /\/rewritten\/[0-9a-f]{16}\/model\.onnx$/);
});

const SMOL = `${resolve(testPaths.models)}/reference-graphs/SmolLM3-3B-ONNX/`;

for (const file of ["model.onnx", "model_quantized.onnx"]) {
  Deno.test(`SmolLM3-3B reference graph ${file}: 36 layers found through the skip-norm chain`, async () => {
    const rewritten = await rewrite(`${SMOL}${file}`);
    assert.equal(rewritten.strategy, "skip-norm-chain");
    assert.equal(rewritten.layers, 36);
    const model = decodeModel(await Deno.readFile(rewritten.path));
    const byOutput = new Map(model.graph!.node!.map((n) => [n.output![0], n]));
    const source = (k: number) => byOutput.get(`hidden_states.${k}`)!.input![0];
    assert.equal(source(0), "/model/embed_tokens/Gather/output_0");
    assert.equal(source(1), "/model/layers.1/input_layernorm/output_3");
    assert.equal(source(35), "/model/layers.35/input_layernorm/output_3");
    assert.equal(source(36), "/model/layers.36/final_norm_layernorm/output_0");
    const outputs = model.graph!.output!.map((v) => v.name);
    assert.equal(
      outputs.filter((n) => n!.startsWith("hidden_states.")).length,
      37,
    );
    assert.ok(outputs.includes("logits"));
    // weights stay external: the graph still points at <file>_data and carries no bytes
    const external = model.graph!.initializer!.filter((t) =>
      t.dataLocation === 1
    );
    assert.ok(external.length > 300);
    assert.ok(
      external.every((t) =>
        t.externalData![0].value === `${file}_data` && t.rawData!.length === 0
      ),
    );
    assert.deepEqual(rewritten.externalData, [`${SMOL}${file}_data`]);
  });
}

Deno.test("a graph without transformer layers is a LayersNotFound error", async () => {
  const g = new GraphBuilder();
  g.input("x", DataType.FLOAT, [2]);
  g.node("Relu", "/act/Relu", ["x"], {}, ["y"]);
  g.output("y", DataType.FLOAT, [2]);
  await Deno.mkdir(".cache", { recursive: true });
  const dir = await Deno.makeTempDir({ dir: ".cache" });
  await Deno.writeFile(`${dir}/relu.onnx`, encodeModel(g.model("relu")));
  const exit = await Effect.runPromiseExit(
    rewriteModelFile(`${dir}/relu.onnx`),
  );
  await Deno.remove(dir, { recursive: true });
  assert.ok(Exit.isFailure(exit));
  assert.match(
    String(exit.cause),
    /LayersNotFound[\s\S]*no fused skip norms; no node is named by a layer module path/,
  );
});

Deno.test("a missing model file is a MissingModelFiles error naming it", async () => {
  const exit = await Effect.runPromiseExit(
    rewriteModelFile("/nowhere/bert/onnx/model.onnx"),
  );
  assert.ok(Exit.isFailure(exit));
  assert.match(
    String(exit.cause),
    /MissingModelFiles[\s\S]*\/nowhere\/bert\/onnx\/model\.onnx/,
  );
});
