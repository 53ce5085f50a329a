import { moduleOf, type StageDeclaration } from "../stages/registry.ts";
import { modelTokenizer } from "../stages/pretrained_tokenizer.ts";
import type { PipelineSpec } from "./spec.ts";

/** What a pipeline carries besides its stages. */
export interface PipelineOptions {
  /** The pipeline's description (default: none). */
  readonly description?: string;
  /** Content hash of its shipped artifact (`deno task fit` prints it). */
  readonly artifact?: string;
  /** How many corpus sentences corpus-fitted statistics use. */
  readonly corpusSentences?: number;
  /**
   * Served as they are: the server does not L2-normalise this pipeline's
   * float vectors (for pipelines whose norm carries meaning).
   */
  readonly rawVectors?: boolean;
}

const isStage = (
  x: StageDeclaration | PipelineOptions,
): x is StageDeclaration => typeof (x as { _tag?: unknown })._tag === "string";

// A model's vectors read its ids: without a tokenizer stage, the model's own.
const impliedTokenizer = (
  stages: ReadonlyArray<StageDeclaration>,
): StageDeclaration[] => {
  const list = [...stages];
  if (list.some((d) => moduleOf(d).phase === "tokenizer")) return list;
  const at = list.findIndex((d) => moduleOf(d).phase === "vectors");
  const v = list[at];
  if (v && "model" in v && typeof v.model === "string") {
    list.splice(at, 0, modelTokenizer(v.model));
  }
  return list;
};

/**
 * A pipeline from its stage declarations, in order; an options object
 * anywhere in the list sets its description, artifact or corpus size. A
 * model's vectors with no tokenizer stage get the model's own tokenizer.
 * The result is plain data: `JSON.stringify` it, and it decodes back.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { firstLast, l2, meanPool, pipeline, transformer, whiten } from "../../mod.ts";
 * const p = pipeline(
 *   "bert-first-last-whiten",
 *   transformer("bert-base-uncased", { layers: firstLast() }),
 *   meanPool(),
 *   whiten({ fitOn: "corpus" }),
 *   l2(),
 * );
 * assert.deepEqual(p.stages.map((s) => s._tag), [
 *   "pretrainedTokenizer", "transformer", "pool", "whiten", "l2",
 * ]);
 * ```
 */
export const pipeline = (
  name: string,
  ...items: ReadonlyArray<StageDeclaration | PipelineOptions>
): PipelineSpec => {
  const options: PipelineOptions = Object.assign(
    {},
    ...items.filter((x) => !isStage(x)),
  );
  return {
    name,
    description: options.description ?? "",
    stages: impliedTokenizer(items.filter(isStage)),
    ...(options.artifact ? { artifact: options.artifact } : {}),
    ...(options.corpusSentences
      ? { corpusSentences: options.corpusSentences }
      : {}),
    ...(options.rawVectors ? { rawVectors: true } : {}),
  };
};
