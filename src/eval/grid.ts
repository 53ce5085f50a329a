import { pipeline } from "../pipeline/builder.ts";
import { withoutArtifact } from "../pipeline/hash.ts";
import { planOf } from "../pipeline/plan.ts";
import type { PipelineSpec, StageDeclaration } from "../pipeline/spec.ts";
import type { LayerSelection } from "../aggregate/layer_selection.ts";
import type { FilterStage } from "../stages/filter.ts";
import type { IdfStage } from "../stages/idf.ts";
import type { PoolMode } from "../stages/pool.ts";
import type { SifStage } from "../stages/sif.ts";

/**
 * The variants `deno task eval --grid` runs for one base pipeline: its
 * pooling × weighting × post-processing (× layers, for a transformer)
 * neighbours. Every variant is an ordinary pipeline spec with its own name
 * and hash; what they share — a transformer's hidden states — is computed
 * once through the cached forward layer.
 */
export interface GridVariant {
  readonly spec: PipelineSpec;
  /** The value of each axis, for tables and the heat map. */
  readonly axes: Readonly<Record<string, string>>;
}

type Post = {
  readonly label: string;
  readonly steps: ReadonlyArray<StageDeclaration>;
};

type Weighting = IdfStage | SifStage | undefined;

// The steps a grid varies; the others (a static mix, sentence-transformers
// modules, quantization) stay where the base declares them.
const POST_TAGS = new Set([
  "center",
  "zscore",
  "abtt",
  "whiten",
  "quantile",
  "l2",
]);

// Eigen-based steps (ABTT, whitening) cost O(d³) per fit; refitted on each
// task's sentences for thousands of dimensions they would dominate the grid.
const EIGEN_MAX_DIM = 512;

const weightLabel = (w: Weighting) =>
  w === undefined ? "uniform" : `${w._tag}-${w.fitOn}`;

const dedupe = <T>(xs: T[]): T[] => {
  const seen = new Set<string>();
  return xs.filter((x) => {
    const k = JSON.stringify(x);
    return seen.has(k) ? false : (seen.add(k), true);
  });
};

/** The grid around `base` (base itself included, as the first variant when it is on the grid). */
export const gridVariants = (base: PipelineSpec): GridVariant[] => {
  const plan = planOf(base);
  const v = plan.vectors;
  const transformer = v._tag === "transformer";
  const poolings = dedupe<PoolMode>(
    transformer
      ? [plan.pool.mode, "mean", "cls", "last", "max"]
      : [plan.pool.mode, "mean", "max"],
  );
  // Weighting and its source: none, idf on the input (transductive), idf
  // and SIF on the general corpus (what a server can ship).
  const weightings = dedupe<Weighting>([
    plan.weighting,
    undefined,
    { _tag: "idf", fitOn: "input" },
    { _tag: "idf", fitOn: "corpus" },
    { _tag: "sif", a: 1e-3, fitOn: "corpus" },
  ]);
  // Filters: as declared, and with the 20 most frequent corpus tokens dropped.
  const declared: FilterStage = plan.filter ??
    { _tag: "filter", special: false, punctuation: false, subwords: false };
  const { frequent: _f, ...plainFilters } = declared;
  const filterings = dedupe<FilterStage>([
    declared,
    plainFilters,
    { ...plainFilters, frequent: { count: 20, fitOn: "corpus" } },
  ]);
  const filterLabel = (f: FilterStage) =>
    f.frequent ? `drop${f.frequent.count}-${f.frequent.fitOn}` : "declared";
  const dim = v._tag === "randomVectors" ? v.dim : undefined;
  const posts: Post[] = [
    { label: "none", steps: [] },
    { label: "center", steps: [{ _tag: "center", fitOn: "input" }] },
    { label: "zscore", steps: [{ _tag: "zscore", fitOn: "input" }] },
    ...(dim === undefined || dim > EIGEN_MAX_DIM ? [] : [
      { label: "abtt1", steps: [{ _tag: "abtt", k: 1, fitOn: "input" }] },
      {
        label: "whiten",
        steps: [{ _tag: "whiten", epsilon: 1e-6, fitOn: "input" }],
      },
    ] as Post[]),
  ];
  const layerChoices: ReadonlyArray<LayerSelection | undefined> =
    v._tag === "transformer"
      ? dedupe<LayerSelection>([
        v.layers,
        { _tag: "last" },
        { _tag: "firstLast" },
      ])
      : [undefined];
  const kept = plan.steps.filter((s) => !POST_TAGS.has(s.decl._tag)).map((s) =>
    s.decl
  );
  const spec = withoutArtifact(base);
  const out: GridVariant[] = [];
  for (const layer of layerChoices) {
    for (const mode of poolings) {
      // Max pooling ignores weights: one weighting is enough.
      for (const weighting of mode === "max" ? [weightings[0]] : weightings) {
        for (const post of posts) {
          for (const filter of filterings) {
            const axes: Record<string, string> = {
              pooling: mode,
              weighting: weightLabel(weighting),
              filters: filterLabel(filter),
              post: post.label,
            };
            if (layer) axes.layers = layer._tag;
            const vectors = layer && v._tag === "transformer"
              ? { ...v, layers: layer }
              : v;
            const name = [base.name, ...Object.values(axes)].join(".")
              .toLowerCase().replace(/[^a-z0-9.-]/g, "-");
            out.push({
              spec: pipeline(
                name,
                ...(plan.prompt ? [plan.prompt] : []),
                plan.tokenizer,
                vectors,
                ...(weighting ? [weighting] : []),
                filter,
                { _tag: "pool", mode },
                ...kept,
                ...post.steps,
                {
                  description: spec.description,
                  ...(spec.corpusSentences
                    ? { corpusSentences: spec.corpusSentences }
                    : {}),
                },
              ),
              axes,
            });
          }
        }
      }
    }
  }
  return out;
};
