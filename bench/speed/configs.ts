import { env as hfEnv, pipeline } from "@huggingface/transformers";
import { Effect, ManagedRuntime } from "effect";
import * as ortModule from "onnxruntime-node";
import { PIPELINES } from "../../pipelines/mod.ts";
import { padBatch } from "../../src/tokenize/pad_batch.ts";
import { nativeSessionOptions } from "../../src/forward/native_backend.ts";
import { rewriteModelFile } from "../../src/onnx/rewrite/rewrite_file.ts";
import { modelFolder, type Paths, pathsLayer } from "../../src/paths.ts";
import {
  BATCH_ROWS,
  BATCH_TOKENS,
  lengthBuckets,
} from "../../src/forward/transformer_stage.ts";
import { loadPretrainedTokenizer } from "../../src/tokenize/pretrained_tokenizer.ts";
import { MODEL } from "./workload.ts";
import { INT8_CONFIGS } from "./int8.ts";
import { specRunner } from "./spec_runner.ts";

type Ort = typeof ortModule;
const ort: Ort = (ortModule as unknown as { default?: Ort }).default ??
  ortModule;

/** sentemb's mean pooling of the last layer on it. */
export const TRANSFORMER_PIPELINE = "random-bert-base-last-mean";
/** The default static pipeline. */
export const STATIC_PIPELINE = "random-stems-corpus-idf";
/** onnxruntime-web worker threads: one per core of the bench machine. */
export const WASM_THREADS = navigator.hardwareConcurrency;

/** One configuration, loaded once in its own process. */
export interface Runner {
  /** Embeds `texts` once (or, for the raw loops, runs their batches). */
  run(texts: ReadonlyArray<string>): Promise<void>;
  /** Sentence vectors [n, dim] of `texts`, for the cross-check. */
  vectors?(texts: ReadonlyArray<string>): Promise<Float32Array>;
  release(): Promise<void>;
}

const sentemb = (
  paths: Paths["Service"],
  backend: "native" | "wasm",
  name: string,
): Promise<Runner> => {
  const spec = PIPELINES.find((p) => p.name === name);
  if (spec === undefined) throw new Error(`no pipeline ${name}`);
  return specRunner(
    paths,
    spec,
    backend,
    backend === "wasm" ? { threads: WASM_THREADS } : {},
  );
};

/**
 * transformers.js as its README shows it, in batches of the rows sentemb
 * batches by, in input order (the caller's batches).
 */
const transformersJs = async (paths: Paths["Service"]): Promise<Runner> => {
  const folder = modelFolder(paths, MODEL);
  hfEnv.localModelPath = folder.slice(0, folder.length - MODEL.length);
  hfEnv.allowLocalModels = true;
  hfEnv.allowRemoteModels = false;
  const extractor = await pipeline("feature-extraction", MODEL, {
    dtype: "fp32",
    device: "cpu",
  });
  const embed = async (texts: ReadonlyArray<string>) => {
    const parts: Float32Array[] = [];
    for (let i = 0; i < texts.length; i += BATCH_ROWS) {
      const out = await extractor([...texts.slice(i, i + BATCH_ROWS)], {
        pooling: "mean",
      });
      parts.push(out.data as Float32Array);
    }
    const all = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
    let at = 0;
    for (const p of parts) (all.set(p, at), at += p.length);
    return all;
  };
  return {
    run: async (texts) => void await embed(texts),
    vectors: embed,
    release: () => extractor.dispose(),
  };
};

const int64 = (values: ArrayLike<number>) => {
  const out = new BigInt64Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = BigInt(values[i]);
  return out;
};

/**
 * The floor: onnxruntime-node alone, with sentemb's session options, on
 * sentemb's length-sorted batches, fed tensors built before the clock
 * starts. `last` runs the original graph for `last_hidden_state`; `all`
 * the rewritten graph for every hidden state.
 */
const rawOrt = async (
  paths: Paths["Service"],
  graph: "last" | "all",
): Promise<Runner> => {
  const folder = modelFolder(paths, MODEL);
  const file = `${folder}/onnx/model.onnx`;
  const runtime = ManagedRuntime.make(pathsLayer(paths));
  const tokenizer = await runtime.runPromise(loadPretrainedTokenizer(MODEL));
  const info = graph === "all"
    ? await Effect.runPromise(rewriteModelFile(file))
    : undefined;
  const session = await ort.InferenceSession.create(
    info?.path ?? file,
    nativeSessionOptions(),
  );
  const fetches = info ? [...info.hiddenStates] : ["last_hidden_state"];
  const prepared = new WeakMap<object, Record<string, ortModule.Tensor>[]>();
  const prepare = (texts: ReadonlyArray<string>) => {
    const ids = texts.map((t) => tokenizer.tokenize(t).ids);
    return lengthBuckets(ids.map((x) => x.length), BATCH_TOKENS, BATCH_ROWS)
      .map((rows) => {
        const b = padBatch(
          rows.map((i) => ids[i]),
          tokenizer.padId ?? 0,
          "right",
        );
        const dims = [b.batch, b.seq];
        return {
          input_ids: new ort.Tensor("int64", int64(b.ids), dims),
          attention_mask: new ort.Tensor("int64", int64(b.mask), dims),
          token_type_ids: new ort.Tensor(
            "int64",
            new BigInt64Array(b.ids.length),
            dims,
          ),
        };
      });
  };
  return {
    async run(texts) {
      let batches = prepared.get(texts);
      if (batches === undefined) {
        batches = prepare(texts);
        prepared.set(texts, batches);
      }
      for (const feeds of batches) await session.run(feeds, fetches);
    },
    release: async () => {
      await session.release();
      await runtime.dispose();
    },
  };
};

/** Every configuration by name. */
export const CONFIGS = {
  "sentemb-native": (p: Paths["Service"]) =>
    sentemb(p, "native", TRANSFORMER_PIPELINE),
  "sentemb-wasm": (p: Paths["Service"]) =>
    sentemb(p, "wasm", TRANSFORMER_PIPELINE),
  "transformersjs": transformersJs,
  "raw-ort-last": (p: Paths["Service"]) => rawOrt(p, "last"),
  "raw-ort-all": (p: Paths["Service"]) => rawOrt(p, "all"),
  "static": (p: Paths["Service"]) => sentemb(p, "native", STATIC_PIPELINE),
  ...INT8_CONFIGS,
} as const;

export type ConfigName = keyof typeof CONFIGS;
