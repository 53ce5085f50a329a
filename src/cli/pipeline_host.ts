import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { artifactDirs, modelFolder, type Paths } from "../paths.ts";
import type { PipelineSpec } from "../pipeline/spec.ts";

/**
 * What `deno task pipelines` says about a pipeline on this host: what it
 * needs, whether each need is present (so whether it runs now, and if not,
 * why), its output dimension, and its recorded STS score. Read from the
 * declaration and the file system only: nothing is loaded or run.
 */

/** One thing a pipeline needs, and whether this host has it. */
export interface HostNeed {
  /** As people read it: `tokenizer bert-base-uncased`, `artifact 29499…`. */
  readonly need: string;
  readonly present: boolean;
  /** Where it was found, or where it was looked for. */
  readonly where: string;
}

/** A pipeline's standing on this host. */
export interface HostReport {
  /** Its output dimension; undefined when it cannot be told without its files. */
  readonly dim: number | undefined;
  readonly needs: ReadonlyArray<HostNeed>;
  /** Whether every need is present. */
  readonly runnable: boolean;
  /** Why it cannot run now (the missing needs); undefined when it can. */
  readonly why: string | undefined;
}

/** A recorded STS result (artifacts/sts_results.json). */
export interface RecordedSts {
  /** The pipeline hash the scores were measured for. */
  readonly hash: string;
  readonly avg8: number;
  readonly avg7: number;
  readonly tasks: Readonly<Record<string, number>>;
  readonly source: string;
}

type Stage = { readonly _tag: string; readonly [k: string]: unknown };

const readJson = (path: string): Record<string, unknown> | undefined => {
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch {
    return undefined;
  }
};

const firstLine = (path: string): string | undefined => {
  try {
    const fd = Deno.openSync(path);
    try {
      const buf = new Uint8Array(256);
      const n = fd.readSync(buf) ?? 0;
      return new TextDecoder().decode(buf.subarray(0, n)).split("\n")[0];
    } finally {
      fd.close();
    }
  } catch {
    return undefined;
  }
};

/** The first int32 of a llama2.c checkpoint: its model width. */
const checkpointDim = (path: string): number | undefined => {
  try {
    const fd = Deno.openSync(path);
    try {
      const buf = new Uint8Array(4);
      if (fd.readSync(buf) !== 4) return undefined;
      return new DataView(buf.buffer).getInt32(0, true);
    } finally {
      fd.close();
    }
  } catch {
    return undefined;
  }
};

/**
 * The width of what a stage reads from a model: its layer width, or, for
 * the last state alone or the input embeddings, `word_embed_proj_dim` where
 * the config has one (OPT-350m: 1024-d layers, 512-d embeddings and last
 * state after `project_out`).
 */
const modelWidth = (
  folder: string,
  projected: boolean,
): number | undefined => {
  const c = readJson(`${folder}/config.json`);
  const w = (projected ? c?.word_embed_proj_dim : undefined) ??
    c?.hidden_size ?? c?.n_embd ?? c?.d_model ?? c?.dim;
  return typeof w === "number" ? w : undefined;
};

/** Whether a vectors stage reads a model's projected width (see above). */
const readsProjected = (s: Stage): boolean =>
  s._tag === "inputEmbeddings" ||
  (s._tag === "transformer" &&
    (s.layers as { _tag?: string } | undefined)?._tag === "last");

/** Reads `artifacts/sts_results.json` (or another file of that shape). */
export const readRecordedSts = (
  path: string,
): Readonly<Record<string, RecordedSts>> => {
  const doc = readJson(path);
  return (doc?.results ?? {}) as Record<string, RecordedSts>;
};

/** What `spec` needs on this host, whether it is here, and its dimension. */
export const hostReport = (
  spec: PipelineSpec,
  paths: Paths["Service"],
  needsCorpus: boolean,
): HostReport => {
  const stages = spec.stages as ReadonlyArray<Stage>;
  const needs: HostNeed[] = [];
  const push = (n: HostNeed) => {
    // A model a static mix reads again is one need, not two.
    if (!needs.some((m) => m.need === n.need)) needs.push(n);
  };
  const file = (need: string, path: string) => {
    push({ need, present: existsSync(path), where: resolve(path) });
  };
  const checkpoints = new Map<string, string>();
  for (const s of stages) {
    if (s._tag === "llama2cTokenizer") {
      const m = String(s.model);
      checkpoints.set(m, `${paths.models}/${m}/${m}.bin`);
    }
  }
  let dim: number | undefined;
  let transformerModel: string | undefined;

  const vectors = (s: Stage) => {
    const model = String(s.model);
    const rel = typeof s.file === "string" ? s.file : "onnx/model.onnx";
    const folder = modelFolder(paths, model, rel);
    const graph = `${folder}/${rel}`;
    const checkpoint = checkpoints.get(model);
    if (!existsSync(graph) && checkpoint !== undefined) {
      // Exported from the llama2.c checkpoint on first load.
      push({
        need: `model weights ${model} (exported from its llama2.c checkpoint)`,
        present: existsSync(checkpoint),
        where: resolve(checkpoint),
      });
      dim ??= checkpointDim(checkpoint);
    } else {
      file(`model weights ${model}/${rel}`, graph);
      dim ??= modelWidth(modelFolder(paths, model), readsProjected(s));
    }
    return model;
  };

  for (const s of stages) {
    switch (s._tag) {
      case "pretrainedTokenizer": {
        const model = String(s.model);
        file(
          `tokenizer ${model}`,
          `${modelFolder(paths, model, "tokenizer.json")}/tokenizer.json`,
        );
        break;
      }
      case "llama2cTokenizer": {
        const model = String(s.model);
        file(`llama2.c checkpoint ${model}`, checkpoints.get(model)!);
        file(
          `llama2.c tokenizer ${model}/${s.tokenizer}`,
          `${paths.models}/${model}/${s.tokenizer}`,
        );
        break;
      }
      case "randomVectors":
        dim = Number(s.dim);
        break;
      case "wordVectors": {
        const path = `${paths.models}/${s.file}`;
        file(`word vectors ${s.file}`, path);
        const header = firstLine(path)?.trim().split(/\s+/);
        if (header?.length === 2 && /^\d+$/.test(header[1])) {
          dim = Number(header[1]);
        }
        break;
      }
      case "transformer":
      case "inputEmbeddings":
      case "contextualAverage":
        transformerModel ??= vectors(s);
        break;
      case "staticMix": {
        const inner = s.vectors as Stage;
        if (inner && "model" in inner) vectors(inner);
        break;
      }
      case "sentenceTransformers": {
        if (transformerModel === undefined) break;
        const folder = modelFolder(paths, transformerModel, "modules.json");
        file(
          `sentence-transformers modules ${transformerModel}/modules.json`,
          `${folder}/modules.json`,
        );
        const modules = readJson(`${folder}/modules.json`) as unknown;
        if (Array.isArray(modules)) {
          for (const m of modules) {
            if (String(m?.type).endsWith(".Dense")) {
              const out = readJson(`${folder}/${m.path}/config.json`)
                ?.out_features;
              if (typeof out === "number") dim = out;
            }
          }
        }
        break;
      }
      case "truncate":
        if (dim !== undefined) dim = Math.min(dim, Number(s.dims));
        break;
    }
  }
  if (needsCorpus) {
    if (spec.artifact) {
      const found = artifactDirs(paths)
        .map((d) => `${d}/${spec.artifact}.semb`)
        .find((p) => existsSync(p));
      push({
        need: `artifact ${spec.artifact}`,
        present: found !== undefined,
        where: resolve(found ?? `${paths.artifacts}/${spec.artifact}.semb`),
      });
    } else {
      file(
        "corpus (Wikipedia sentences)",
        `${paths.data}/wikipedia/enwiki-2015-wikiextractor`,
      );
    }
  }
  const missing = needs.filter((n) => !n.present);
  return {
    dim,
    needs,
    runnable: missing.length === 0,
    why: missing.length === 0
      ? undefined
      : missing.map((n) => `${n.need} missing (${n.where})`).join("; "),
  };
};
