import type { Cause } from "effect";
import { Schema } from "effect";
import { closestNames } from "../errors.ts";
import { pipeline } from "../pipeline/builder.ts";
import type { PipelineSpec } from "../pipeline/spec.ts";
import { TEMPLATES } from "../prompt/templates.ts";
import {
  contextualAverage,
  dropTokens,
  firstLast,
  idf,
  l2,
  layers,
  meanPool,
  modelTokenizer,
  pool,
  prompt,
  sentenceTransformersModules,
  type StageDeclaration,
  staticMix,
  transformer,
  whiten,
} from "../stages/mod.ts";

/** Which models a recipe fits. */
export type ModelKind = "encoder" | "decoder";

/** What a recipe is applied with; every field has a default. */
export interface RecipeOptions {
  /** The pipeline's name (default `<model>-<recipe>`). */
  readonly name?: string;
  /** The pipeline's description (default: the recipe's). */
  readonly description?: string;
  /** The ONNX file in the model folder (default `onnx/model.onnx`). */
  readonly file?: string;
  /** `int8`: the transformer runs a dynamically quantized graph (default fp32). */
  readonly precision?: "fp32" | "int8";
  /** `layer-k` without a number in its name: the state index. */
  readonly layer?: number;
  /** Decoders' prompt recipes: the state read (default −1, the last). */
  readonly outputLayer?: number;
  /** Token Prepending's layer range [start, exit) (`*-tp` recipes). */
  readonly tp?: { readonly start: number; readonly exit: number };
  /** PromptEOL's in-context demonstration (`prompteol-icl`). */
  readonly demonstration?: {
    readonly sentence: string;
    readonly word: string;
  };
  /** The tokenizer stage, when not the model's own (a llama2.c checkpoint). */
  readonly tokenizer?: StageDeclaration;
  /** `st`: the text put before each sentence (a `prompts` entry). */
  readonly promptPrefix?: string;
  /** Corpus sentences for whitening and "Avg." (default 4,000). */
  readonly corpusSentences?: number;
}

/** A recipe: what it fits and how it is declared on a model. */
export interface Recipe {
  /** The recipe's name. */
  readonly name: string;
  /** The model kinds it applies to. */
  readonly kinds: ReadonlyArray<ModelKind>;
  /** What it does, in a line. */
  readonly about: string;
  /** Needs the tokenizer's mask token (PromptBERT). */
  readonly needsMask?: boolean;
  /** Needs the model's sentence-transformers `modules.json`. */
  readonly needsSentenceTransformers?: boolean;
  /** Needs a Token Prepending range (default [1, ⌊L/4⌋ + 1) when inspected). */
  readonly tokenPrepending?: boolean;
  /** Its stage declarations on a model. */
  readonly stages: (
    model: string,
    o: RecipeOptions,
  ) => ReadonlyArray<StageDeclaration>;
  /** Whether it fits corpus statistics. */
  readonly corpus?: boolean;
}

/** The schema-backed base class of {@link UnknownRecipe}. */
export const UnknownRecipeBase: Schema.Class<
  UnknownRecipe,
  Schema.TaggedStruct<
    "UnknownRecipe",
    {
      readonly name: Schema.String;
      readonly known: Schema.$Array<Schema.String>;
    }
  >,
  Cause.YieldableError
> = Schema.TaggedError<UnknownRecipe>()("UnknownRecipe", {
  name: Schema.String,
  known: Schema.Array(Schema.String),
});

/** A recipe name that no recipe carries. */
export class UnknownRecipe extends UnknownRecipeBase {
  /** The message, built from the fields. */
  override get message(): string {
    const close = closestNames(this.name, this.known);
    return `Unknown recipe "${this.name}"; ` +
      (close.length > 0 ? `did you mean ${close.join(", ")}? ` : "") +
      "`deno task recipes` lists them";
  }
}

/** The schema-backed base class of {@link RecipeMismatch}. */
export const RecipeMismatchBase: Schema.Class<
  RecipeMismatch,
  Schema.TaggedStruct<
    "RecipeMismatch",
    {
      readonly recipe: Schema.String;
      readonly model: Schema.String;
      readonly reason: Schema.String;
    }
  >,
  Cause.YieldableError
> = Schema.TaggedError<RecipeMismatch>()("RecipeMismatch", {
  recipe: Schema.String,
  model: Schema.String,
  reason: Schema.String,
});

/** A recipe that does not fit the model it is applied to. */
export class RecipeMismatch extends RecipeMismatchBase {
  /** The message, built from the fields. */
  override get message(): string {
    return `Recipe "${this.recipe}" does not fit model "${this.model}": ${this.reason}`;
  }
}

const eol = { appendPeriod: true, replaceDoubleQuotes: true } as const;
const tpOf = (o: RecipeOptions) => o.tp ?? { start: 1, exit: 3 };
const file = (o: RecipeOptions) => ({
  ...(o.file ? { file: o.file } : {}),
  ...(o.precision === "int8" ? { precision: "int8" as const } : {}),
});
const tok = (model: string, o: RecipeOptions) =>
  o.tokenizer ? [o.tokenizer] : [modelTokenizer(model)];

const lastToken = (
  template: string,
  opts: { icl?: boolean; tp?: boolean },
) =>
(model: string, o: RecipeOptions): ReadonlyArray<StageDeclaration> => [
  prompt(template, {
    ...eol,
    ...(opts.icl
      ? {
        demonstration: o.demonstration ?? {
          sentence: "A jockey riding a horse.",
          word: "Equestrian",
        },
      }
      : {}),
  }),
  ...tok(model, o),
  transformer(model, {
    layers: layers(o.outputLayer ?? -1),
    ...file(o),
    ...(opts.tp ? { tokenPrepending: tpOf(o) } : {}),
  }),
  pool("last"),
];

const encoder = (model: string, o: RecipeOptions) => ({
  last: transformer(model, file(o)),
  fl: transformer(model, { layers: firstLast(), ...file(o) }),
  avg: contextualAverage(model, firstLast()),
});

/**
 * Every recipe, in the order `deno task recipes` lists them (METHODS §1–§6).
 * `layer-k` takes its layer from the name (`layer-10`) or `options.layer`.
 */
export const RECIPES: ReadonlyArray<Recipe> = [
  {
    name: "cls",
    kinds: ["encoder"],
    about: "[CLS] state of the last layer",
    stages: (m, o) => [encoder(m, o).last, pool("cls")],
  },
  {
    name: "mean",
    kinds: ["encoder", "decoder"],
    about: "attention-masked mean of the last layer (decoders: no prompt)",
    stages: (m, o) => [
      ...(o.tokenizer ? [o.tokenizer] : []),
      encoder(m, o).last,
      meanPool(),
    ],
  },
  {
    name: "max",
    kinds: ["encoder", "decoder"],
    about: "max over tokens of the last layer",
    stages: (m, o) => [
      ...(o.tokenizer ? [o.tokenizer] : []),
      encoder(m, o).last,
      pool("max"),
    ],
  },
  {
    name: "first-last-mean",
    kinds: ["encoder", "decoder"],
    about: "mean of the average of states 1 and L",
    stages: (m, o) => [
      ...(o.tokenizer ? [o.tokenizer] : []),
      encoder(m, o).fl,
      meanPool(),
    ],
  },
  {
    name: "layer-k",
    kinds: ["encoder", "decoder"],
    about: "mean of layer k (`layer-10`, or options.layer)",
    stages: (m, o) => [
      ...(o.tokenizer ? [o.tokenizer] : []),
      transformer(m, { layers: layers(o.layer ?? -1), ...file(o) }),
      meanPool(),
    ],
  },
  {
    name: "first-last-whiten",
    kinds: ["encoder"],
    about: "first-last mean, whitened on corpus sentences",
    corpus: true,
    stages: (m, o) => [encoder(m, o).fl, meanPool(), whiten()],
  },
  {
    name: "avg-static",
    kinds: ["encoder"],
    about:
      '"Avg." / BERT2Static: first-last states averaged per token over the corpus, corpus-idf mean',
    corpus: true,
    stages: (m, o) => [
      encoder(m, o).avg,
      idf("corpus"),
      dropTokens({ special: true, punctuation: true }),
      meanPool(),
    ],
  },
  {
    name: "first-last-plus-avg",
    kinds: ["encoder"],
    about: '"BERT+Avg.": first-last mean mixed half and half with "Avg."',
    corpus: true,
    stages: (m, o) => {
      const e = encoder(m, o);
      return [e.fl, meanPool(), staticMix(e.avg, 0.5)];
    },
  },
  {
    name: "whiten-plus-avg",
    kinds: ["encoder"],
    about: 'first-last mean whitened, mixed with "Avg.", unit length',
    corpus: true,
    stages: (m, o) => {
      const e = encoder(m, o);
      return [e.fl, meanPool(), whiten(), staticMix(e.avg, 0.5), l2()];
    },
  },
  {
    name: "promptbert",
    kinds: ["encoder"],
    about:
      "PromptBERT: last-layer [MASK] state of 'This sentence : \"[X]\" means [MASK] .'",
    needsMask: true,
    stages: (m, o) => [
      prompt(TEMPLATES.promptBert, {
        appendPeriod: true,
        replaceDoubleQuotes: false,
      }),
      encoder(m, o).last,
      pool("mask"),
    ],
  },
  {
    name: "st",
    kinds: ["encoder", "decoder"],
    about:
      "the model's own sentence-transformers config (Pooling, Dense, Normalize; a prompt name from config_sentence_transformers.json)",
    needsSentenceTransformers: true,
    stages: (m, o) => [
      ...(o.promptPrefix !== undefined ? [prompt(`${o.promptPrefix}[X]`)] : []),
      encoder(m, o).last,
      meanPool(),
      sentenceTransformersModules(),
    ],
  },
  {
    name: "last-token",
    kinds: ["decoder"],
    about: "last token's state of the last layer, no prompt",
    stages: (m, o) => [...tok(m, o), encoder(m, o).last, pool("last")],
  },
  {
    name: "prompteol",
    kinds: ["decoder"],
    about:
      'PromptEOL: last token of \'This sentence : "[X]" means in one word:"\'',
    stages: lastToken(TEMPLATES.promptEol, {}),
  },
  {
    name: "prompteol-icl",
    kinds: ["decoder"],
    about: "PromptEOL with an in-context demonstration",
    stages: lastToken(TEMPLATES.promptEol, { icl: true }),
  },
  {
    name: "cot",
    kinds: ["decoder"],
    about: "Pretended chain-of-thought prompt, last token",
    stages: lastToken(TEMPLATES.pretendedCot, {}),
  },
  {
    name: "knowledge",
    kinds: ["decoder"],
    about: "Knowledge-enhanced prompt, last token",
    stages: lastToken(TEMPLATES.knowledge, {}),
  },
  {
    name: "prompteol-tp",
    kinds: ["decoder"],
    about: "PromptEOL + Token Prepending over layers [start, exit)",
    tokenPrepending: true,
    stages: lastToken(TEMPLATES.promptEol, { tp: true }),
  },
  {
    name: "cot-tp",
    kinds: ["decoder"],
    about: "Pretended CoT + Token Prepending",
    tokenPrepending: true,
    stages: lastToken(TEMPLATES.pretendedCot, { tp: true }),
  },
  {
    name: "knowledge-tp",
    kinds: ["decoder"],
    about: "Knowledge prompt + Token Prepending",
    tokenPrepending: true,
    stages: lastToken(TEMPLATES.knowledge, { tp: true }),
  },
];

const LAYER_K = /^layer-?(\d+)$/;

/** The recipe a name means (`layer-10` is `layer-k` at 10), or undefined. */
export const findRecipe = (
  name: string,
): { readonly recipe: Recipe; readonly layer?: number } | undefined => {
  const k = LAYER_K.exec(name);
  if (k) {
    return {
      recipe: RECIPES.find((r) => r.name === "layer-k")!,
      layer: Number(k[1]),
    };
  }
  const recipe = RECIPES.find((r) => r.name === name);
  return recipe ? { recipe } : undefined;
};

/** The name a model gives its pipelines: the last part of its reference. */
export const modelSlug = (model: string): string =>
  model.replace(/@.*$/, "").replace(/\/+$/, "").split("/").pop() || "model";

/**
 * A recipe applied to a model: a pipeline declaration, with no file read
 * (`recipeFor` checks that the recipe fits the model first).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { recipe } from "./recipes.ts";
 * const p = recipe("first-last-mean", "BAAI/bge-small-en-v1.5");
 * assert.equal(p.name, "bge-small-en-v1.5-first-last-mean");
 * assert.deepEqual(p.stages.map((s) => s._tag), ["pretrainedTokenizer", "transformer", "pool"]);
 * ```
 */
export const recipe = (
  name: string,
  model: string,
  options: RecipeOptions = {},
): PipelineSpec => {
  const found = findRecipe(name);
  if (!found) {
    throw new UnknownRecipe({ name, known: RECIPES.map((r) => r.name) });
  }
  const o = found.layer !== undefined
    ? { ...options, layer: options.layer ?? found.layer }
    : options;
  const { recipe: r } = found;
  return pipeline(
    o.name ?? `${modelSlug(model)}-${name}`,
    ...r.stages(model, o),
    {
      description: o.description ??
        `${
          r.name === "layer-k" ? `mean of layer ${o.layer ?? -1}` : r.about
        } (${model})`,
      ...(r.corpus ? { corpusSentences: o.corpusSentences ?? 4000 } : {}),
    },
  );
};
