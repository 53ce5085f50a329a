import { Effect } from "effect";
import type { Embeddings } from "../../src/embeddings.ts";
import type { BadConfig } from "../../src/errors.ts";
import { moduleOf, type StageDeclaration } from "../../src/stages/registry.ts";
import type { LoadError } from "../../src/stages/resources.ts";
import type { SentenceStepModule } from "../../src/stages/stage_module.ts";

/** A fitted sentence step with its declaration and module. */
export interface Fitted {
  readonly decl: StageDeclaration;
  readonly module: SentenceStepModule;
  readonly f: unknown;
}

type Loose = { readonly _tag: string } & Record<string, unknown>;

// Steps that fit statistics default to the corpus in these tests.
const complete = (d: Loose): StageDeclaration =>
  (["center", "zscore", "abtt", "whiten", "quantile"].includes(d._tag) &&
      d.fitOn === undefined
    ? { ...d, fitOn: "corpus" }
    : d) as unknown as StageDeclaration;

const refuse = () => {
  throw new Error("a plain sentence step needs no resources");
};
const noResources = {
  tokenizer: refuse,
  staticVectors: refuse,
  transformer: refuse,
  exportedFolder: refuse,
  stModules: refuse,
  corpus: refuse,
  artifact: refuse,
};

/** Fits one sentence step on `x` as the assembly does (sample = x). */
export const fitStep = (
  d: Loose,
  x: Embeddings,
): Effect.Effect<Fitted, BadConfig | LoadError> => {
  const decl = complete(d);
  const module = moduleOf(decl) as SentenceStepModule;
  return Effect.map(
    module.fit(decl, {
      dim: x.dim,
      sample: module.sources(decl).length > 0 ? x : undefined,
      tokens: {
        pooling: "mean",
        transformerModel: undefined,
        weightedOrFiltered: false,
      },
      aggregatorFor: refuse,
      corpus: [],
      tokenizer: { name: "none", tokenize: refuse },
      shipped: undefined,
      resources: noResources,
    }),
    (f) => ({ decl, module, f }),
  );
};

export const fit = (d: Loose, x: Embeddings): Fitted =>
  Effect.runSync(fitStep(d, x));

export const applyStep = (s: Fitted, x: Embeddings): Embeddings =>
  s.module.apply(s.f, x, { tokens: [] });

/** Fits steps in order, each on the sample as the steps before leave it. */
export const fitChain = (
  decls: ReadonlyArray<Loose>,
  x: Embeddings,
): Fitted[] => {
  const out: Fitted[] = [];
  let cur = x;
  for (const d of decls) {
    const s = fit(d, cur);
    out.push(s);
    cur = applyStep(s, cur);
  }
  return out;
};

export const applyChain = (steps: ReadonlyArray<Fitted>, x: Embeddings) =>
  steps.reduce((acc, s) => applyStep(s, acc), x);
