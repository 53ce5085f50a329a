/**
 * Short-text clustering sets (METHODS §7): the six reported, in table order,
 * and the GoogleNews title-only and snippet-only variants as extras.
 */
export const CLUSTERING_TASKS = [
  "SearchSnippets",
  "StackOverflow",
  "Biomedical",
  "AgNews",
  "Tweet",
  "GoogleNews-TS",
] as const;

/** Clustering tasks run only when asked for, beside the default ones. */
export const CLUSTERING_EXTRAS = ["GoogleNews-T", "GoogleNews-S"] as const;

/** The name of a clustering task, default or extra. */
export type ClusteringTaskName =
  | typeof CLUSTERING_TASKS[number]
  | typeof CLUSTERING_EXTRAS[number];

/** Rows and gold classes per set, from `../shared/data/MANIFEST.md`. */
export const CLUSTERING_SIZES: Readonly<
  Record<
    ClusteringTaskName,
    { readonly rows: number; readonly classes: number }
  >
> = {
  SearchSnippets: { rows: 12340, classes: 8 },
  StackOverflow: { rows: 20000, classes: 20 },
  Biomedical: { rows: 20000, classes: 20 },
  AgNews: { rows: 8000, classes: 4 },
  Tweet: { rows: 2472, classes: 89 },
  "GoogleNews-TS": { rows: 11109, classes: 152 },
  "GoogleNews-T": { rows: 11108, classes: 152 },
  "GoogleNews-S": { rows: 11108, classes: 152 },
};
