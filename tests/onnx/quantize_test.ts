import "../temp_cache.ts";
import assert from "node:assert/strict";
import { Effect, Schema } from "effect";
import { existsSync } from "node:fs";
import { dirname } from "node:path";
import { Forward } from "../../src/forward/service.ts";
import { loadOrtNode } from "../../src/forward/native_backend.ts";
import type { HiddenStates } from "../../src/forward/hidden_states.ts";
import {
  DataType,
  decodeModel,
  encodeModel,
  int64,
  type ModelProto,
  type TensorProto,
} from "../../src/onnx/proto.ts";
import { quantizeDynamic } from "../../src/onnx/quantize/quantize_graph.ts";
import { quantizeWeight } from "../../src/onnx/quantize/quantize_weight.ts";
import {
  int8ModelFile,
  quantizeModelFile,
} from "../../src/onnx/quantize/quantize_file.ts";
import { rewriteModelFile } from "../../src/onnx/rewrite/rewrite_file.ts";
import { tokenPrependingFile } from "../../src/onnx/tp/rewrite_file.ts";
import { transformer, TransformerStage } from "../../src/stages/transformer.ts";
import { pipelineHash } from "../../src/pipeline/hash.ts";
import { PIPELINES } from "../../pipelines/mod.ts";
import { loadPipeline } from "../../src/pipeline/load.ts";
import type { PipelineSpec } from "../../src/pipeline/spec.ts";
import { testLayer } from "../test_paths.ts";
import {
  HF_EXPORTS,
  loadReference,
  runTest,
} from "../models/hf_export_fixture.ts";
import { TEST_CACHE } from "../temp_cache.ts";

// onnxruntime keeps its thread pools alive across tests by design.
const opts = { sanitizeOps: false, sanitizeResources: false };

const f32 = (...v: number[]) => new Uint8Array(Float32Array.from(v).buffer);
const floatInit = (name: string, dims: number[], v: number[]) => ({
  name,
  dims,
  dataType: DataType.FLOAT,
  rawData: f32(...v),
});
const valueInfo = (name: string, dims: number[]) => ({
  name,
  type: {
    tensorType: {
      elemType: DataType.FLOAT,
      shape: { dim: dims.map((d) => ({ dimValue: d })) },
    },
  },
});

// W1 [3, 2]: column 0's largest |w| is 1.27 (step 0.01), column 1's is 1.0.
const W1 = [0.5, -1.0, -0.25, 0.3, 1.27, 0.2];
// W2 [2, 3] read transposed by the Gemm (transB), bias C [2].
const W2 = [0.1, -0.2, 0.3, 2.0, 0.5, -1.5];
const C = [0.25, -0.75];
const X = [0.9, -0.3, 0.45, -1.2, 0.6, 0.05];

/** x [2, 3] → MatMul(x, W1) and Gemm(x, W2ᵀ, C, alpha 0.5, beta 2). */
const tinyModel = (): ModelProto => ({
  irVersion: 8,
  opsetImport: [{ domain: "", version: 17 }],
  graph: {
    name: "tiny",
    node: [
      { name: "mm", opType: "MatMul", input: ["x", "W1"], output: ["y1"] },
      {
        name: "gemm",
        opType: "Gemm",
        input: ["x", "W2", "C"],
        output: ["y2"],
        attribute: [
          { name: "transB", type: 2, i: 1 },
          { name: "alpha", type: 1, f: 0.5 },
          { name: "beta", type: 1, f: 2 },
        ],
      },
    ],
    initializer: [
      floatInit("W1", [3, 2], W1),
      floatInit("W2", [2, 3], W2),
      floatInit("C", [2], C),
    ],
    input: [valueInfo("x", [2, 3])],
    output: [valueInfo("y1", [2, 2]), valueInfo("y2", [2, 2])],
  },
});

const initOf = (m: ModelProto, name: string): TensorProto =>
  m.graph!.initializer!.find((t) => t.name === name)!;
const floats = (t: TensorProto) => new Float32Array(t.rawData!.slice().buffer);
const int8s = (t: TensorProto) => new Int8Array(t.rawData!.slice().buffer);

// ONNX's rounding: half to even.
const roundEven = (v: number) => {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
};

/**
 * The integer reference of `DynamicQuantizeLinear` + `MatMulInteger` + the
 * scales, from the ONNX operator definitions: x to uint8 over
 * [min(0, x), max(0, x)], then Σ (xq − xzp)·wq, times both scales.
 */
const intReference = (
  x: number[],
  rows: number,
  wq: Int8Array,
  ws: Float32Array,
  k: number,
  n: number,
) => {
  const lo = Math.min(0, ...x);
  const hi = Math.max(0, ...x);
  const xs = Math.fround((hi - lo) / 255);
  const zp = Math.min(255, Math.max(0, roundEven(-lo / xs)));
  const xq = x.map((v) => Math.min(255, Math.max(0, roundEven(v / xs) + zp)));
  const y = new Float64Array(rows * n);
  for (let i = 0; i < rows; i++) {
    for (let c = 0; c < n; c++) {
      let acc = 0;
      for (let j = 0; j < k; j++) acc += (xq[i * k + j] - zp) * wq[j * n + c];
      y[i * n + c] = acc * xs * ws[c];
    }
  }
  return y;
};

Deno.test("int8 per-column weights: hand-worked values, and within half a step of every weight", () => {
  const q = quantizeWeight(Float32Array.from(W1), 3, 2, "int8", true);
  assert.deepEqual([...q.scale], [Math.fround(0.01), Math.fround(1 / 127)]);
  assert.deepEqual([...new Int8Array(q.data.buffer)], [
    50,
    -127,
    -25,
    38,
    127,
    25,
  ]);
  assert.deepEqual([...q.zeroPoint], [0, 0]);
  // A matrix whose columns differ 1000× in range: per column, each keeps
  // its own step; per tensor, the small column collapses to a few levels.
  const k = 64;
  const n = 8;
  const w = new Float32Array(k * n);
  for (let i = 0; i < w.length; i++) {
    w[i] = Math.sin(i * 12.9898) * (i % n === 0 ? 1000 : 1);
  }
  for (const type of ["int8", "uint8"] as const) {
    for (const perChannel of [true, false]) {
      const r = quantizeWeight(w, k, n, type, perChannel);
      const s8 = new Int8Array(r.data.buffer);
      for (let c = 0; c < n; c++) {
        const g = perChannel ? c : 0;
        for (let j = 0; j < k; j++) {
          const qv = type === "int8" ? s8[j * n + c] : r.data[j * n + c];
          const back = (qv - (type === "int8" ? 0 : r.zeroPoint[g])) *
            r.scale[g];
          assert.ok(
            Math.abs(back - w[j * n + c]) <= r.scale[g] / 2 + 1e-6,
            `${type} ${perChannel} [${j}, ${c}]`,
          );
        }
      }
      if (type === "int8") {
        // Column 1's step: its own range / 127 per column, column 0's per tensor.
        let max1 = 0;
        for (let j = 0; j < k; j++) {
          max1 = Math.max(max1, Math.abs(w[j * n + 1]));
        }
        assert.ok(
          perChannel
            ? Math.abs(r.scale[1] - max1 / 127) < 1e-7
            : r.scale[0] > 7,
        );
      }
    }
  }
});

Deno.test({
  name:
    "quantized MatMul and Gemm (transB, alpha, beta, bias) run in onnxruntime as the integer reference says",
  ...opts,
  fn: async () => {
    const q = quantizeDynamic(tinyModel());
    assert.equal(q.quantized, 2);
    assert.deepEqual(q.skipped, []);
    const ops = q.model.graph!.node!.map((n) => n.opType);
    assert.equal(ops.filter((o) => o === "DynamicQuantizeLinear").length, 1);
    assert.equal(ops.filter((o) => o === "MatMulInteger").length, 2);
    assert.ok(!ops.includes("MatMul") && !ops.includes("Gemm"));
    const names = q.model.graph!.initializer!.map((t) => t.name);
    assert.ok(!names.includes("W1") && !names.includes("W2"));
    const w1 = initOf(q.model, "W1_quantized");
    assert.equal(w1.dataType, DataType.INT8);
    assert.deepEqual(initOf(q.model, "W1_zero_point").dims, [2]);
    // The Gemm's weight is stored transposed: [K = 3, N = 2].
    assert.deepEqual(initOf(q.model, "W2_T_quantized").dims?.map(int64), [
      3,
      2,
    ]);

    const ort = await loadOrtNode();
    const path = `${TEST_CACHE}/tiny_q.onnx`;
    Deno.writeFileSync(path, encodeModel(q.model));
    const s = await ort.InferenceSession.create(path, {
      graphOptimizationLevel: "all",
    });
    const out = await s.run({ x: new ort.Tensor("float32", X, [2, 3]) });
    const y1 = out.y1.data as Float32Array;
    const y2 = out.y2.data as Float32Array;
    const r1 = intReference(
      X,
      2,
      int8s(w1),
      floats(initOf(q.model, "W1_scale")),
      3,
      2,
    );
    const r2 = intReference(
      X,
      2,
      int8s(initOf(q.model, "W2_T_quantized")),
      floats(initOf(q.model, "W2_T_scale")),
      3,
      2,
    );
    for (let i = 0; i < 4; i++) {
      assert.ok(Math.abs(y1[i] - r1[i]) < 1e-5, `y1[${i}]`);
      const want = 0.5 * r2[i] + 2 * C[i % 2];
      assert.ok(Math.abs(y2[i] - want) < 1e-5, `y2[${i}] ${y2[i]} ${want}`);
    }
    // And the float product, within quantization error.
    for (let i = 0; i < 2; i++) {
      for (let c = 0; c < 2; c++) {
        let a = 0;
        let b = 0;
        for (let j = 0; j < 3; j++) {
          a += X[i * 3 + j] * W1[j * 2 + c];
          b += X[i * 3 + j] * W2[c * 3 + j];
        }
        assert.ok(Math.abs(y1[i * 2 + c] - a) < 0.02);
        assert.ok(Math.abs(y2[i * 2 + c] - (0.5 * b + 2 * C[c])) < 0.02);
      }
    }
    await s.release();
  },
});

const cosine = (a: Float32Array, b: Float32Array) => {
  let d = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    d += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return d / Math.sqrt(na * nb);
};

/** The smallest cosine, over layers and real tokens, between two runs' states. */
const minTokenCosine = (a: HiddenStates, b: HiddenStates, mask: Uint8Array) => {
  assert.equal(a.data.length, b.data.length);
  const { count, batch, seq, dim } = a;
  let min = 1;
  const perLayer: number[] = [];
  for (let l = 0; l < count; l++) {
    let layerMin = 1;
    for (let i = 0; i < batch * seq; i++) {
      if (mask[i] !== 1) continue;
      const at = (l * batch * seq + i) * dim;
      const c = cosine(
        a.data.subarray(at, at + dim),
        b.data.subarray(at, at + dim),
      );
      layerMin = Math.min(layerMin, c);
    }
    perLayer.push(layerMin);
    min = Math.min(min, layerMin);
  }
  return { min, perLayer };
};

const statesOf = (path: string, name: string) =>
  runTest(Effect.gen(function* () {
    const { padded, meta } = loadReference(name);
    const m = yield* (yield* Forward).load(path, { finalOnly: false });
    return yield* m.run(padded, [...Array(meta.layers + 1).keys()]);
  }));

for (const name of ["bert", "llama"]) {
  Deno.test({
    name:
      `hf-exports/${name} quantized: every layer's states within cosine 0.99 of fp32, the rewrite finding every layer`,
    ...opts,
    fn: async () => {
      const source = `${HF_EXPORTS}/${name}/onnx/model.onnx`;
      const q = await Effect.runPromise(quantizeModelFile(source));
      assert.ok(q.quantized! >= 4 * 4, `${q.quantized} MatMuls quantized`);
      const { padded, meta } = loadReference(name);
      const fp = await statesOf(source, name);
      const int8 = await statesOf(q.path, name);
      assert.equal(int8.count, meta.layers + 1);
      const { min, perLayer } = minTokenCosine(fp, int8, padded.mask);
      assert.ok(min >= 0.99, `per layer ${perLayer.map((c) => c.toFixed(4))}`);
      // Quantization did change the numbers.
      assert.ok(min < 0.999999);
      // The same cached graph the second time.
      const again = await Effect.runPromise(quantizeModelFile(source));
      assert.equal(again.path, q.path);
    },
  });
}

Deno.test({
  name: "rewrite then quantize gives the same states as quantize then rewrite",
  ...opts,
  fn: async () => {
    const name = "bert";
    const source = `${HF_EXPORTS}/${name}/onnx/model.onnx`;
    const { padded, meta } = loadReference(name);
    const firstQuantized = await statesOf(
      (await Effect.runPromise(quantizeModelFile(source))).path,
      name,
    );
    const rewritten = await Effect.runPromise(rewriteModelFile(source));
    const q = await Effect.runPromise(quantizeModelFile(rewritten.path));
    const ort = await loadOrtNode();
    const s = await ort.InferenceSession.create(q.path, {
      graphOptimizationLevel: "all",
    });
    const { batch, seq } = padded;
    const i64 = (v: ArrayLike<number>) =>
      new ort.Tensor("int64", BigInt64Array.from(v, BigInt), [batch, seq]);
    const out = await s.run({
      input_ids: i64(padded.ids),
      attention_mask: i64(padded.mask),
      token_type_ids: i64(new Int32Array(batch * seq)),
    });
    const dim = meta.hidden;
    for (let l = 0; l <= meta.layers; l++) {
      const got = out[`hidden_states.${l}`].data as Float32Array;
      const want = firstQuantized.data.subarray(
        l * batch * seq * dim,
        (l + 1) * batch * seq * dim,
      );
      let max = 0;
      for (let i = 0; i < got.length; i++) {
        max = Math.max(max, Math.abs(got[i] - want[i]));
      }
      assert.ok(max < 1e-4, `layer ${l}: ${max}`);
    }
    await s.release();
  },
});

Deno.test({
  name:
    "weights in external data: read from there, int8 weights written to an external file, same states",
  ...opts,
  fn: async () => {
    const name = "bert";
    const source = `${HF_EXPORTS}/${name}/onnx/model.onnx`;
    const model = decodeModel(Deno.readFileSync(source));
    const dir = `${TEST_CACHE}/external/onnx`;
    Deno.mkdirSync(dir, { recursive: true });
    const chunks: Uint8Array[] = [];
    let offset = 0;
    for (const t of model.graph!.initializer!) {
      if (t.dataType !== DataType.FLOAT || (t.rawData?.length ?? 0) < 1024) {
        continue;
      }
      const bytes = t.rawData!;
      t.externalData = [
        { key: "location", value: "model.onnx_data" },
        { key: "offset", value: String(offset) },
        { key: "length", value: String(bytes.length) },
      ];
      t.dataLocation = 1;
      t.rawData = new Uint8Array(0);
      chunks.push(bytes.slice());
      offset += bytes.length;
    }
    const data = new Uint8Array(offset);
    let at = 0;
    for (const c of chunks) {
      data.set(c, at);
      at += c.length;
    }
    Deno.writeFileSync(`${dir}/model.onnx_data`, data);
    Deno.writeFileSync(`${dir}/model.onnx`, encodeModel(model));
    const q = await Effect.runPromise(quantizeModelFile(`${dir}/model.onnx`));
    assert.ok(existsSync(`${dirname(q.path)}/model.onnx_int8`));
    const graph = decodeModel(Deno.readFileSync(q.path));
    const int8 = graph.graph!.initializer!.filter((t) =>
      t.dataType === DataType.INT8 && (t.dims?.length ?? 0) === 2
    );
    assert.ok(int8.length > 0);
    assert.ok(int8.every((t) => t.dataLocation === 1));
    const inline = await statesOf(
      (await Effect.runPromise(quantizeModelFile(source))).path,
      name,
    );
    const external = await statesOf(q.path, name);
    assert.deepEqual(external.data, inline.data);
  },
});

Deno.test("a folder's own model_quantized.onnx is used instead of quantizing", async () => {
  const folder = `${TEST_CACHE}/own/onnx`;
  Deno.mkdirSync(folder, { recursive: true });
  Deno.copyFileSync(
    `${HF_EXPORTS}/bert/onnx/model.onnx`,
    `${folder}/model.onnx`,
  );
  const plain = await Effect.runPromise(int8ModelFile(`${folder}/model.onnx`));
  assert.notEqual(plain.path, `${folder}/model_quantized.onnx`);
  assert.ok(plain.quantized! > 0);
  Deno.copyFileSync(
    `${HF_EXPORTS}/bert-quantized/onnx/model_quantized.onnx`,
    `${folder}/model_quantized.onnx`,
  );
  const own = await Effect.runPromise(int8ModelFile(`${folder}/model.onnx`));
  assert.equal(own.path, `${folder}/model_quantized.onnx`);
  assert.equal(own.quantized, undefined);
});

Deno.test("precision round-trips through the transformer stage's schema; fp32 leaves the declaration (and hashes) as before", () => {
  const decode = Schema.decodeUnknownSync(TransformerStage);
  const encode = Schema.encodeSync(TransformerStage);
  const int8 = transformer("m", { precision: "int8" });
  assert.equal(int8.precision, "int8");
  assert.deepEqual(decode(encode(int8)), int8);
  assert.deepEqual(decode(JSON.parse(JSON.stringify(int8))), int8);
  assert.deepEqual(
    transformer("m", { precision: "fp32" }),
    transformer("m"),
  );
  assert.ok(!("precision" in transformer("m", { precision: "fp32" })));
  assert.throws(() => decode({ ...int8, precision: "int4" }));
  const spec = PIPELINES.find((p) =>
    p.stages.some((s) => s._tag === "transformer")
  )!;
  const withInt8: PipelineSpec = {
    ...spec,
    stages: spec.stages.map((s) =>
      s._tag === "transformer" ? { ...s, precision: "int8" as const } : s
    ),
  };
  assert.notEqual(pipelineHash(withInt8), pipelineHash(spec));
});

Deno.test({
  name:
    "stories260K PromptEOL + Token Prepending runs on the int8 graph, within cosine 0.99 of fp32",
  ...opts,
  fn: async () => {
    const sentences = [
      "A man plays a guitar.",
      "Two dogs are running through a snowy field",
      'She said "hi".',
    ];
    const spec = PIPELINES.find((p) => p.name === "stories260k-prompteol-tp")!;
    const int8Spec: PipelineSpec = {
      ...spec,
      stages: spec.stages.map((s) =>
        s._tag === "transformer" ? { ...s, precision: "int8" as const } : s
      ),
    };
    const embed = (p: PipelineSpec) =>
      Effect.runPromise(
        Effect.gen(function* () {
          const loaded = yield* loadPipeline(p);
          const e = yield* loaded.fit(sentences);
          return yield* e.embed(sentences);
        }).pipe(Effect.provide(testLayer)),
      );
    const fp = await embed(spec);
    const q = await embed(int8Spec);
    const dim = fp.dim;
    for (let r = 0; r < sentences.length; r++) {
      const c = cosine(
        fp.data.subarray(r * dim, (r + 1) * dim),
        q.data.subarray(r * dim, (r + 1) * dim),
      );
      assert.ok(c >= 0.99 && c < 1, `sentence ${r}: ${c}`);
    }
    // The TP graph was built over the quantized one.
    const tpDirs = [...Deno.readDirSync(`${TEST_CACHE}/tp`)].filter((e) =>
      e.isDirectory && e.name !== "by-stat"
    );
    const graphs = tpDirs.map((e) =>
      decodeModel(
        Deno.readFileSync(
          `${TEST_CACHE}/tp/${e.name}/${
            [...Deno.readDirSync(`${TEST_CACHE}/tp/${e.name}`)].find((f) =>
              f.name.endsWith(".onnx")
            )!.name
          }`,
        ),
      )
    );
    assert.ok(
      graphs.some((g) =>
        g.graph!.node!.some((n) => n.opType === "MatMulInteger")
      ),
    );
    // And the TP rewrite of a quantized graph by itself, for a plain range.
    const q2 = await Effect.runPromise(
      quantizeModelFile(`${HF_EXPORTS}/llama/onnx/model.onnx`),
    );
    const tp = await Effect.runPromise(
      tokenPrependingFile(q2.path, { start: 1, exit: 3 }),
    );
    assert.ok(existsSync(tp.path));
  },
});
