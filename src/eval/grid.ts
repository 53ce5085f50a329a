import { withoutArtifact } from "../pipeline/load.ts";
import type { PipelineSpec, WeightingSpec } from "../pipeline/spec.ts";
import type { PostprocessStep } from "../postprocess/step.ts";

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
  readonly steps: ReadonlyArray<PostprocessStep>;
};

// Eigen-based steps (ABTT, whitening) cost O(d³) per fit; refitted on each
// task's sentences for thousands of dimensions they would dominate the grid.
const EIGEN_MAX_DIM = 512;

const weightLabel = (w: WeightingSpec) =>
  w._tag === "uniform" ? "uniform" : `${w._tag}-${w.fitOn}`;

const dimOf = (spec: PipelineSpec): number | undefined =>
  spec.encoder._tag === "random" ? spec.encoder.dim : undefined;

const dedupe = <T>(xs: T[]): T[] => {
  const seen = new Set<string>();
  return xs.filter((x) => {
    const k = JSON.stringify(x);
    return seen.has(k) ? false : (seen.add(k), true);
  });
};

/** The grid around `base` (base itself included, as the first variant when it is on the grid). */
export const gridVariants = (base: PipelineSpec): GridVariant[] => {
  const transformer = base.encoder._tag === "transformer";
  const poolings = dedupe<PipelineSpec["pooling"]>(
    transformer
      ? [base.pooling, "mean", "cls", "last", "max"]
      : [base.pooling, "mean", "max"],
  );
  // Weighting and its source: none, idf on the input (transductive), idf
  // and SIF on the general corpus (what a server can ship).
  const weightings = dedupe<WeightingSpec>([
    base.weighting,
    { _tag: "uniform" },
    { _tag: "idf", fitOn: "input" },
    { _tag: "idf", fitOn: "corpus" },
    { _tag: "sif", a: 1e-3, fitOn: "corpus" },
  ]);
  // Filters: as declared, and with the 20 most frequent corpus tokens dropped.
  const { frequent: _f, ...plainFilters } = base.filters;
  const filterings = dedupe<PipelineSpec["filters"]>([
    base.filters,
    plainFilters,
    { ...plainFilters, frequent: { count: 20, fitOn: "corpus" } },
  ]);
  const filterLabel = (f: PipelineSpec["filters"]) =>
    f.frequent ? `drop${f.frequent.count}-${f.frequent.fitOn}` : "declared";
  const dim = dimOf(base);
  const posts: Post[] = [
    { label: "none", steps: [] },
    { label: "center", steps: [{ _tag: "center" }] },
    { label: "zscore", steps: [{ _tag: "zscore" }] },
    ...(dim === undefined || dim > EIGEN_MAX_DIM ? [] : [
      { label: "abtt1", steps: [{ _tag: "abtt", k: 1 }] },
      { label: "whiten", steps: [{ _tag: "whiten", epsilon: 1e-6 }] },
    ] as Post[]),
  ];
  const layers = transformer && base.encoder._tag === "transformer"
    ? dedupe([
      base.encoder.layers,
      { _tag: "last" as const },
      { _tag: "firstLast" as const },
    ])
    : [undefined];
  const out: GridVariant[] = [];
  for (const layer of layers) {
    for (const pooling of poolings) {
      // Max pooling ignores weights: one weighting is enough.
      for (
        const weighting of pooling === "max" ? [weightings[0]] : weightings
      ) {
        for (const post of posts) {
          for (const filters of filterings) {
            const axes: Record<string, string> = {
              pooling,
              weighting: weightLabel(weighting),
              filters: filterLabel(filters),
              post: post.label,
            };
            const encoder = layer && base.encoder._tag === "transformer"
              ? { ...base.encoder, layers: layer }
              : base.encoder;
            if (layer) axes.layers = layer._tag;
            const { postprocess: _p, ...rest } = withoutArtifact(base);
            const spec: PipelineSpec = {
              ...rest,
              name: [base.name, ...Object.values(axes)].join(".")
                .toLowerCase().replace(/[^a-z0-9.-]/g, "-"),
              encoder,
              pooling,
              weighting,
              filters,
              ...(post.steps.length > 0
                ? {
                  postprocess: { steps: post.steps, fitOn: "input" as const },
                }
                : {}),
            };
            out.push({ spec, axes });
          }
        }
      }
    }
  }
  return out;
};
