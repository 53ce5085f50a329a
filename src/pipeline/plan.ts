import { Effect } from "effect";
import { BadConfig } from "../errors.ts";
import type { FilterStage } from "../stages/filter.ts";
import type { IdfStage } from "../stages/idf.ts";
import type { Llama2cTokenizerStage } from "../stages/llama2c_tokenizer.ts";
import { type PoolStage, STATIC_POOLINGS } from "../stages/pool.ts";
import type { PretrainedTokenizerStage } from "../stages/pretrained_tokenizer.ts";
import type { PromptStage } from "../stages/prompt.ts";
import { moduleOf, type StageDeclaration } from "../stages/registry.ts";
import type { SifStage } from "../stages/sif.ts";
import { PHASES, type SentenceStepModule } from "../stages/stage_module.ts";
import type { StaticVectorsStage } from "../stages/static_vectors.ts";
import type { TransformerStage } from "../stages/transformer.ts";
import type { WordTokenizerStage } from "../stages/word_tokenizer.ts";
import type { PipelineSpec } from "./spec.ts";

/** Any tokenizer stage. */
export type TokenizerStage =
  | WordTokenizerStage
  | PretrainedTokenizerStage
  | Llama2cTokenizerStage;
/** Any vectors stage: static or transformer. */
export type VectorsStage = StaticVectorsStage | TransformerStage;

/** A sentence step in place: its declaration, module and list position. */
export interface PlannedStep {
  /** Its position in the pipeline. */
  readonly index: number;
  /** Its declaration. */
  readonly decl: StageDeclaration;
  /** Its module. */
  readonly module: SentenceStepModule;
}

/**
 * A pipeline's stages sorted into the roles they play, checked once: what
 * the loader, `describe` and the clients read instead of the raw list.
 */
export interface Plan {
  /** The pipeline planned. */
  readonly spec: PipelineSpec;
  /** Its prompt stage, if any. */
  readonly prompt?: PromptStage;
  /** Its tokenizer stage. */
  readonly tokenizer: TokenizerStage;
  /** Its vectors stage. */
  readonly vectors: VectorsStage;
  /** Position of the vectors stage (its artifact section's key). */
  readonly vectorsIndex: number;
  /** Its token weighting, if any. */
  readonly weighting?: IdfStage | SifStage;
  /** Its token filter, if any. */
  readonly filter?: FilterStage;
  /** Its pooling. */
  readonly pool: PoolStage;
  /** Its sentence steps, in order. */
  readonly steps: ReadonlyArray<PlannedStep>;
}

// Weighting and filtering commute: either may come first.
const rank = (phase: typeof PHASES[number]) =>
  phase === "filter" ? PHASES.indexOf("weighting") : PHASES.indexOf(phase);

const ORDER =
  "prompt → tokenizer → vectors → weighting/filter → pool → sentence steps";

/**
 * Sorts a pipeline's list into its plan, refusing what the schema alone
 * cannot: stages out of order, a missing or repeated token-phase stage,
 * and combinations that make no sense.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Effect } from "effect";
 * import { compilePlan, l2, meanPool, pipeline, randomVectors, wordTokens } from "../../mod.ts";
 *
 * // Pooling before the vectors exist: refused, naming the order.
 * const backwards = pipeline("backwards", wordTokens(), meanPool(), randomVectors(64, 1));
 * const error = await Effect.runPromise(Effect.flip(compilePlan(backwards)));
 * assert.match(error.message, /prompt → tokenizer → vectors/);
 *
 * const ok = pipeline("ok", wordTokens(), randomVectors(64, 1), meanPool(), l2());
 * const plan = await Effect.runPromise(compilePlan(ok));
 * assert.deepEqual(plan.steps.map((s) => [s.index, s.decl._tag]), [[3, "l2"]]); // 0-based
 * ```
 */
export const compilePlan = (
  spec: PipelineSpec,
): Effect.Effect<Plan, BadConfig> =>
  Effect.suspend(() => {
    const fail = (reason: string) =>
      Effect.fail(
        new BadConfig({ subject: `pipeline "${spec.name}"`, reason }),
      );
    const roles: Partial<Record<string, StageDeclaration>> = {};
    let vectorsIndex = -1;
    const steps: PlannedStep[] = [];
    let last = -1;
    for (const [index, decl] of spec.stages.entries()) {
      const module = moduleOf(decl);
      const r = rank(module.phase);
      if (r < last) {
        return fail(
          `stage ${
            index + 1
          } ("${decl._tag}", a ${module.phase} stage) is out of order; stages run ${ORDER}`,
        );
      }
      last = r;
      if (module.phase === "sentence") {
        steps.push({ index, decl, module });
        continue;
      }
      if (roles[module.phase]) {
        return fail(
          `stage ${
            index + 1
          } ("${decl._tag}") is a second ${module.phase} stage`,
        );
      }
      roles[module.phase] = decl;
      if (module.phase === "vectors") vectorsIndex = index;
    }
    for (const phase of ["tokenizer", "vectors", "pool"] as const) {
      if (!roles[phase]) {
        return fail(`it has no ${phase} stage; stages run ${ORDER}`);
      }
    }
    const plan: Plan = {
      spec,
      ...(roles.prompt ? { prompt: roles.prompt as PromptStage } : {}),
      tokenizer: roles.tokenizer as TokenizerStage,
      vectors: roles.vectors as VectorsStage,
      vectorsIndex,
      ...(roles.weighting
        ? { weighting: roles.weighting as IdfStage | SifStage }
        : {}),
      ...(roles.filter ? { filter: roles.filter as FilterStage } : {}),
      pool: roles.pool as PoolStage,
      steps,
    };
    const problem = combinationProblem(plan);
    return problem ? fail(problem) : Effect.succeed(plan);
  });

const needsModelIds = (d: StageDeclaration) =>
  d._tag === "inputEmbeddings" || d._tag === "contextualAverage";

/** What no single stage can see: stages that do not fit together. */
const combinationProblem = (plan: Plan): string | undefined => {
  const v = plan.vectors;
  const transformer = v._tag === "transformer";
  const mode = plan.pool.mode;
  if (!transformer && !STATIC_POOLINGS.has(mode)) {
    return `pooling "${mode}" needs a transformer encoder`;
  }
  if (transformer && plan.tokenizer._tag === "wordTokenizer") {
    return "a transformer needs its own (pretrained) tokenizer";
  }
  const mixes = plan.steps.flatMap((s) =>
    s.decl._tag === "staticMix" ? [s.decl] : []
  );
  if (
    (needsModelIds(v) || mixes.some((m) => needsModelIds(m.vectors))) &&
    plan.tokenizer._tag !== "pretrainedTokenizer"
  ) {
    return "a model's token table needs the model's own tokenizer";
  }
  if (mixes.length > 0 && !transformer) {
    return "staticMix mixes a transformer with a static encoder";
  }
  if (
    plan.steps.some((s) => s.decl._tag === "sentenceTransformers") &&
    !transformer
  ) {
    return "sentence-transformers modules need a transformer encoder";
  }
  if (transformer && v.tokenPrepending && !plan.prompt) {
    return "Token Prepending needs a decoder transformer and a prompt";
  }
  if (
    plan.tokenizer._tag === "llama2cTokenizer" &&
    (!transformer || v.model !== plan.tokenizer.model)
  ) {
    return "a llama2.c tokenizer goes with its own checkpoint's transformer";
  }
  if (mode === "mask" && !plan.prompt?.template.includes("[MASK]")) {
    return 'pooling "mask" needs a prompt template with [MASK]';
  }
  return undefined;
};

/**
 * The plan of a pipeline already known to be valid (a decoded registry
 * entry); throws the BadConfig otherwise.
 */
export const planOf = (spec: PipelineSpec): Plan =>
  Effect.runSync(compilePlan(spec));
