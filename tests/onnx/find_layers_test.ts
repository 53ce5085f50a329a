import "../temp_cache.ts";
import assert from "node:assert/strict";
import { GraphBuilder } from "../../src/onnx/fixture/graph_builder.ts";
import { DataType } from "../../src/onnx/proto.ts";
import { findLayers } from "../../src/onnx/rewrite/expose.ts";

/**
 * An OPT-shaped graph (names only matter here): OPT calls each layer's MLP
 * norm `final_layer_norm` too, so only the model-level one after the last
 * layer is the final norm.
 */
const optGraph = (layers: number) => {
  const g = new GraphBuilder();
  const ids = g.input("input_ids", DataType.INT64, ["b", "s"]);
  const w = g.init("w", new Float32Array(4), [2, 2]);
  const gamma = g.init("g", new Float32Array(2), [2]);
  const ln = (scope: string, x: string) =>
    g.op("LayerNormalization", `${scope}/LayerNormalization`, [
      x,
      gamma,
      gamma,
    ]);
  let x = g.op("Add", "/model/decoder/Add", [
    g.op("Gather", "/model/decoder/embed_tokens/Gather", [w, ids]),
    w,
  ]);
  for (let n = 0; n < layers; n++) {
    const p = `/model/decoder/layers.${n}`;
    const a = g.op("MatMul", `${p}/self_attn/out_proj/MatMul`, [
      ln(`${p}/self_attn_layer_norm`, x),
      w,
    ]);
    const r = g.op("Add", `${p}/Add`, [x, a]);
    const f = g.op("MatMul", `${p}/fc2/MatMul`, [
      ln(`${p}/final_layer_norm`, r),
      w,
    ]);
    x = g.op("Add", `${p}/Add_1`, [r, f]);
  }
  g.node(
    "MatMul",
    "/lm_head/MatMul",
    [ln("/model/decoder/final_layer_norm", x), w],
    {},
    ["logits"],
  );
  g.output("logits", DataType.FLOAT, ["b", "s", 2]);
  return g.model("opt");
};

Deno.test("OPT-style names: layer inputs and the model-level final norm", () => {
  const map = findLayers(optGraph(3));
  assert.ok(typeof map !== "string", String(map));
  assert.equal(map.strategy, "pre-norm");
  assert.equal(map.layers, 3);
  assert.deepEqual(
    map.taps.map((t) => t.kind === "tensor" ? t.tensor : t.node),
    [
      "/model/decoder/Add/output_0",
      "/model/decoder/layers.0/Add_1/output_0",
      "/model/decoder/layers.1/Add_1/output_0",
      "/model/decoder/final_layer_norm/LayerNormalization/output_0",
    ],
  );
  const residual = findLayers(optGraph(3), "residual");
  assert.ok(typeof residual !== "string");
  assert.deepEqual(residual.taps.at(-1), {
    kind: "tensor",
    tensor: "/model/decoder/layers.2/Add_1/output_0",
  });
});

Deno.test("a gap in layer indices is reported, not guessed around", () => {
  const model = optGraph(3);
  for (const n of model.graph!.node!) {
    n.name = n.name!.replace("layers.1/", "layers.7/");
  }
  const map = findLayers(model);
  assert.equal(typeof map, "string");
  assert.match(String(map), /missing 1/);
});
