import { parse as parseCsv } from "csv-parse/sync";
import { Effect } from "effect";
import { cosine, row } from "../embeddings.ts";
import { DataError } from "../errors.ts";
import { kfoldAccuracy } from "./classifier_protocols.ts";
import { clusteringAccuracy, nmi } from "./cluster_metrics.ts";
import { l2Rows } from "./clustering_eval.ts";
import { pearson, spearman } from "./correlation.ts";
import type { Gemm } from "./gemm.ts";
import { kmeans } from "./kmeans.ts";
import type { SentenceEncoder } from "./sentence_encoder.ts";

/**
 * Evaluating a pipeline on the user's own file (`deno task eval --file`):
 * a CSV/TSV with a header line, its columns named by `--columns`.
 * - pairs: two texts and a gold score → Spearman and Pearson ×100 of the
 *   cosine against the gold;
 * - classify: text and label → the k-fold logistic-regression protocol;
 * - cluster: text and label → k-means++ ACC and NMI (k = the labels).
 * A transductive pipeline is fitted on every text of the file (both sides).
 */

/** The suites of a user's file. */
export type OwnSuite = "pairs" | "classify" | "cluster";
export const OWN_SUITES: ReadonlyArray<OwnSuite> = [
  "pairs",
  "classify",
  "cluster",
];

/** The columns each suite reads, by default. */
export const DEFAULT_COLUMNS: Record<OwnSuite, ReadonlyArray<string>> = {
  pairs: ["s1", "s2", "score"],
  classify: ["text", "label"],
  cluster: ["text", "label"],
};

/** A file's columns by name, as text. */
export type Table = Record<string, string[]>;

/**
 * The named `columns` of a CSV (`.csv`) or TSV (any other name) file with a
 * header line; rows where a named cell is blank are dropped.
 */
export const readTable = (
  path: string,
  text: string,
  columns: ReadonlyArray<string>,
): Effect.Effect<Table, DataError> =>
  Effect.gen(function* () {
    const rows = yield* Effect.try({
      try: () =>
        parseCsv(text, {
          delimiter: path.toLowerCase().endsWith(".csv") ? "," : "\t",
          relax_column_count: true,
          relax_quotes: true,
          skip_empty_lines: true,
          bom: true,
        }) as string[][],
      catch: (e) => new DataError({ path, reason: (e as Error).message }),
    });
    const header = (rows[0] ?? []).map((h) => h.trim());
    const at = columns.map((c) => header.indexOf(c));
    const missing = columns.filter((_, i) => at[i] < 0);
    if (missing.length > 0) {
      return yield* new DataError({
        path,
        reason: `no column ${missing.join(", ")} in the header (${
          header.join(", ")
        }); name the columns with --columns`,
      });
    }
    const table: Table = Object.fromEntries(columns.map((c) => [c, []]));
    for (const r of rows.slice(1)) {
      const cells = at.map((i) => (r[i] ?? "").trim());
      if (cells.some((c) => c === "")) continue;
      columns.forEach((c, k) => table[c].push(cells[k]));
    }
    if (table[columns[0]].length === 0) {
      return yield* new DataError({ path, reason: "no complete rows" });
    }
    return table;
  });

/** Scores of the pairs suite. */
export interface PairsScore {
  readonly rows: number;
  readonly spearman: number;
  readonly pearson: number;
}

/** Cosine of each pair against the gold: Spearman and Pearson ×100. */
export const scorePairs = (
  encoder: SentenceEncoder,
  path: string,
  s1: ReadonlyArray<string>,
  s2: ReadonlyArray<string>,
  gold: ReadonlyArray<string>,
) =>
  Effect.gen(function* () {
    const scores = Float64Array.from(gold, Number);
    const bad = scores.findIndex((x) => !Number.isFinite(x));
    if (bad >= 0) {
      return yield* new DataError({
        path,
        reason: `the score of pair ${bad + 1} is not a number: "${gold[bad]}"`,
      });
    }
    const fitted = yield* encoder.fit([...s1, ...s2]);
    const u = yield* fitted.embed(s1);
    const v = yield* fitted.embed(s2);
    const cos = Float64Array.from(
      { length: u.rows },
      (_, i) => cosine(row(u, i), row(v, i)),
    );
    return {
      rows: u.rows,
      spearman: 100 * spearman(cos, scores),
      pearson: 100 * pearson(cos, scores),
    } satisfies PairsScore;
  });

/** Labels as 0-based class numbers, in order of first appearance. */
export const classNumbers = (
  labels: ReadonlyArray<string>,
): { ids: Int32Array; names: string[] } => {
  const names: string[] = [];
  const index = new Map<string, number>();
  const ids = Int32Array.from(labels, (l) => {
    let k = index.get(l);
    if (k === undefined) {
      k = names.length;
      index.set(l, k);
      names.push(l);
    }
    return k;
  });
  return { ids, names };
};

/** Scores of the classify suite. */
export interface ClassifyScore {
  readonly rows: number;
  readonly classes: number;
  readonly folds: number;
  /** Mean held-out accuracy ×100. */
  readonly accuracy: number;
  readonly c: number;
}

/** SentEval's k-fold logistic regression on the file's texts and labels. */
export const scoreClassify = (
  encoder: SentenceEncoder,
  gemm: Gemm,
  texts: ReadonlyArray<string>,
  labels: ReadonlyArray<string>,
  folds = 10,
) =>
  Effect.gen(function* () {
    const { ids, names } = classNumbers(labels);
    const e = yield* (yield* encoder.fit(texts)).embed(texts);
    const score = yield* Effect.promise(() =>
      kfoldAccuracy(
        { gemm, classes: names.length },
        { x: e.data, rows: e.rows, dim: e.dim },
        ids,
        folds,
      )
    );
    return {
      rows: e.rows,
      classes: names.length,
      folds,
      accuracy: score.accuracy,
      c: score.c,
    } satisfies ClassifyScore;
  });

/** Scores of the cluster suite. */
export interface ClusterScore {
  readonly rows: number;
  readonly k: number;
  readonly seeds: number;
  readonly acc: number;
  readonly nmi: number;
}

/** k-means++ (k = the labels) on unit-length rows, seeds 1 … `seeds`: mean ACC and NMI. */
export const scoreCluster = (
  encoder: SentenceEncoder,
  gemm: Gemm,
  texts: ReadonlyArray<string>,
  labels: ReadonlyArray<string>,
  seeds = 5,
) =>
  Effect.gen(function* () {
    const { ids, names } = classNumbers(labels);
    const e = yield* (yield* encoder.fit(texts)).embed(texts);
    const x = l2Rows(e.data, e.rows, e.dim);
    let acc = 0, n = 0;
    for (let s = 1; s <= seeds; s++) {
      const r = yield* Effect.promise(() =>
        kmeans(gemm, x, e.rows, e.dim, names.length, s)
      );
      acc += clusteringAccuracy(ids, r.assignment);
      n += nmi(ids, r.assignment);
    }
    return {
      rows: e.rows,
      k: names.length,
      seeds,
      acc: acc / seeds,
      nmi: n / seeds,
    } satisfies ClusterScore;
  });
