import { Effect } from "effect";
import { existsSync } from "node:fs";
import {
  cacheDir,
  sha256Hex,
  writeAtomic,
  writeCache,
} from "../onnx/cache_dir.ts";
import { readBytes } from "./load.ts";
import { fixtureModel } from "../onnx/fixture/build.ts";
import type { LlamaConfig as FixtureLlamaConfig } from "../onnx/fixture/config.ts";
import type { NormForm } from "../onnx/fixture/emit.ts";
import type { Linear } from "../onnx/fixture/random.ts";
import type { LlamaWeights as FixtureLlamaWeights } from "../onnx/fixture/weights.ts";
import { encodeModel } from "../onnx/proto.ts";
import { parseCheckpoint } from "./checkpoint.ts";
import { headSize } from "./config.ts";
import { hfLlamaConfig, toHalfSplitRope } from "./hf_layout.ts";
import type { LlamaWeights } from "./weights.ts";

/** Bumped whenever the export's output changes, so stale cached exports are redone. */
const EXPORT_VERSION = 1;

/** A PyTorch `nn.Linear` weight [out, in] as the fixture builder's MatMul operand [in, out]. */
const linearOf = (w: Float32Array, out: number, inDim: number): Linear => {
  const t = new Float32Array(w.length);
  for (let o = 0; o < out; o++) {
    for (let i = 0; i < inDim; i++) t[i * out + o] = w[o * inDim + i];
  }
  return { inDim, outDim: out, w: t, b: undefined };
};

/**
 * A llama2.c model as the ONNX fixture builder's Llama weights: q/k rows
 * permuted for half-split RoPE (the graph's `rotate_half`), matrices
 * transposed to [in, out], the classifier tied to the embeddings when the
 * checkpoint shares them.
 */
export const fixtureLlamaWeights = (
  weights: LlamaWeights,
): FixtureLlamaWeights => {
  const w = toHalfSplitRope(weights);
  const c = w.config;
  const hs = headSize(c);
  const q = c.nHeads * hs;
  const kv = c.nKvHeads * hs;
  const config: FixtureLlamaConfig = {
    arch: "llama",
    vocab: c.vocabSize,
    hidden: c.dim,
    layers: c.nLayers,
    heads: c.nHeads,
    kvHeads: c.nKvHeads,
    headDim: hs,
    intermediate: c.hiddenDim,
    eps: c.normEps,
    ropeTheta: c.ropeTheta,
    tied: c.sharedClassifier,
  };
  return {
    config,
    embed: w.tokenEmbedding,
    layers: w.layers.map((l) => ({
      inputNorm: { g: l.attnNorm, b: undefined },
      q: linearOf(l.wq, q, c.dim),
      k: linearOf(l.wk, kv, c.dim),
      v: linearOf(l.wv, kv, c.dim),
      o: linearOf(l.wo, c.dim, q),
      postNorm: { g: l.ffnNorm, b: undefined },
      gate: linearOf(l.w1, c.hiddenDim, c.dim),
      up: linearOf(l.w3, c.hiddenDim, c.dim),
      down: linearOf(l.w2, c.dim, c.hiddenDim),
    })),
    norm: { g: w.finalNorm, b: undefined },
    lmHead: c.sharedClassifier
      ? undefined
      : linearOf(w.classifier, c.vocabSize, c.dim),
  };
};

/** A llama2.c model exported as a transformers.js-style folder. */
export interface ExportedModel {
  /** `<cache>/models/<id>/`: `config.json`, the tokenizer file, `onnx/`. */
  readonly dir: string;
  /** `onnx/model.onnx` (op-by-op RMSNorm) or `onnx/model_fused.onnx` (skip norms). */
  readonly modelPath: string;
  /** SHA-256 of the source checkpoint the export was made from. */
  readonly sourceSha: string;
  /** Whether this call wrote it (false: it was already cached). */
  readonly built: boolean;
}

export interface ExportOptions {
  /**
   * `decomposed` (default): RMSNorm op by op with residual `Add`s, as Optimum
   * exports Llama (standard ONNX ops only); `op`: fused skip norms, as
   * onnxruntime-genai exports do.
   */
  readonly norm?: NormForm;
}

/**
 * Exports `<models>/<id>/<checkpoint>` through the fixture builder's Llama
 * layout with the real weights, plus a Hugging Face `config.json` and a copy
 * of the tokenizer file, to `<cache>/models/<id>/`. Idempotent: a second
 * call with the same checkpoint bytes finds the export by their SHA-256 and
 * writes nothing.
 */
export const exportLlama2c = Effect.fn("exportLlama2c")(function* (
  paths: { readonly models: string },
  id: string,
  files: { readonly checkpoint: string; readonly tokenizer: string },
  options: ExportOptions = {},
) {
  const norm = options.norm ?? "decomposed";
  const source = `${paths.models}/${id}/${files.checkpoint}`;
  const bytes = yield* readBytes(id, source);
  const sourceSha = yield* Effect.promise(() => sha256Hex(bytes));
  const dir = `${cacheDir()}/models/${id}`;
  const name = norm === "op" ? "model_fused" : "model";
  const modelPath = `${dir}/onnx/${name}.onnx`;
  const stampPath = `${dir}/onnx/${name}.export.json`;
  const stamp = JSON.stringify({ v: EXPORT_VERSION, sourceSha, norm });
  const known = existsSync(modelPath) && existsSync(stampPath) &&
    (yield* Effect.promise(() => Deno.readTextFile(stampPath))) === stamp;
  if (known) {
    return { dir, modelPath, sourceSha, built: false } satisfies ExportedModel;
  }
  const weights = yield* parseCheckpoint(bytes, source);
  const tokenizer = yield* readBytes(
    id,
    `${paths.models}/${id}/${files.tokenizer}`,
  );
  const model = encodeModel(
    fixtureModel(fixtureLlamaWeights(weights), { norm }),
  );
  yield* writeCache(modelPath, async () => {
    const text = new TextEncoder();
    await Deno.mkdir(`${dir}/onnx`, { recursive: true });
    await writeAtomic(
      `${dir}/config.json`,
      text.encode(JSON.stringify(hfLlamaConfig(weights.config), null, 2)),
    );
    await writeAtomic(`${dir}/${files.tokenizer}`, tokenizer);
    await writeAtomic(modelPath, model);
    // Written last: its presence vouches for the files above.
    await writeAtomic(stampPath, text.encode(stamp));
  });
  return { dir, modelPath, sourceSha, built: true } satisfies ExportedModel;
});

/** stories260K (with `tok512.bin`) exported to `<cache>/models/stories260K/`. */
export const exportStories260K = (
  paths: { readonly models: string },
  options: ExportOptions = {},
) =>
  exportLlama2c(paths, "stories260K", {
    checkpoint: "stories260K.bin",
    tokenizer: "tok512.bin",
  }, options);
