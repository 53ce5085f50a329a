import { CLASSIFICATION_TASKS } from "../src/eval/classification_tasks.ts";
import {
  CLUSTERING_EXTRAS,
  CLUSTERING_TASKS,
} from "../src/eval/clustering_tasks.ts";
import { STS_TASKS } from "../src/eval/sts_tasks.ts";
import {
  headlineTasks,
  type PipelineResult,
  suiteAverages,
} from "./eval_result.ts";

const f2 = (x: number) => x.toFixed(2);

const table = (head: string[], align: string[], rows: string[][]) =>
  [
    `| ${head.join(" | ")} |`,
    `|${align.join("|")}|`,
    ...rows.map((r) => `| ${r.join(" | ")} |`),
  ].join("\n");

/** Markdown for one pipeline: a table per suite it ran, then isotropy. */
export const pipelineMarkdown = (
  r: PipelineResult,
  variant: string,
): string => {
  const parts = [`### ${r.pipeline} @ ${r.hash}`];
  if (r.sts) {
    parts.push(
      `STS (${variant} text): Spearman ×100 of cosine vs gold`,
      table(
        ["task", "pairs", "Spearman", "Pearson"],
        ["---", "---:", "---:", "---:"],
        [
          ...STS_TASKS.filter((t) => r.sts!.tasks[t]).map((t) => {
            const s = r.sts!.tasks[t];
            return [t, String(s.pairs), f2(s.spearman), f2(s.pearson)];
          }),
          ["**avg7**", "", `**${f2(r.sts.avg7)}**`, ""],
          ["**avg8**", "", `**${f2(r.sts.avg8)}**`, ""],
        ],
      ),
    );
  }
  if (r.clustering) {
    const c = r.clustering;
    const tasks = [...CLUSTERING_TASKS, ...CLUSTERING_EXTRAS].filter((t) =>
      c.tasks[t]
    );
    parts.push(
      `Clustering: k-means++ (k = gold classes, ${
        c.tasks[tasks[0]]?.seeds ?? 0
      } seeds) on L2-normalised vectors; ACC and NMI ×100, mean ± std over seeds`,
      table(
        ["task", "rows", "k", "ACC", "NMI"],
        ["---", "---:", "---:", "---:", "---:"],
        [
          ...tasks.map((t) => {
            const s = c.tasks[t]!;
            return [
              t,
              String(s.rows),
              String(s.k),
              `${f2(s.acc)} ± ${s.accStd.toFixed(1)}`,
              `${f2(s.nmi)} ± ${s.nmiStd.toFixed(1)}`,
            ];
          }),
          ["**average**", "", "", `**${f2(c.acc)}**`, `**${f2(c.nmi)}**`],
        ],
      ),
    );
  }
  if (r.classification) {
    const c = r.classification;
    parts.push(
      "Classification: logistic regression (L-BFGS, L2), accuracy ×100",
      table(
        ["task", "protocol", "train", "test", "C", "accuracy"],
        ["---", "---", "---:", "---:", "---:", "---:"],
        [
          ...CLASSIFICATION_TASKS.filter((t) => c.tasks[t]).map((t) => {
            const s = c.tasks[t]!;
            return [
              t,
              s.protocol,
              String(s.trainRows),
              String(s.testRows),
              String(s.c),
              f2(s.accuracy),
            ];
          }),
          ["**average**", "", "", "", "", `**${f2(c.average)}**`],
        ],
      ),
    );
  }
  if (r.isotropy) {
    parts.push(
      `Isotropy on ${r.isotropy.rows} STS-B test sentences: mean pairwise cosine ${
        r.isotropy.meanCosine.toFixed(3)
      }, effective-dimension ratio ${r.isotropy.effectiveDimRatio.toFixed(3)}`,
    );
  }
  parts.push(`(${r.seconds.toFixed(1)} s)`);
  return parts.join("\n\n");
};

/** One row per pipeline, one column per task run, then the suite averages. */
export const comparisonMarkdown = (
  results: ReadonlyArray<PipelineResult>,
): string => {
  const tasks = Object.keys(headlineTasks(results[0]));
  const avgs = Object.keys(suiteAverages(results[0]));
  const axes = results[0].axes ? Object.keys(results[0].axes) : [];
  return table(
    ["pipeline", ...axes, ...tasks, ...avgs],
    [
      "---",
      ...axes.map(() => "---"),
      ...tasks.map(() => "---:"),
      ...avgs.map(() => "---:"),
    ],
    results.map((r) => {
      const h = headlineTasks(r), a = suiteAverages(r);
      return [
        r.pipeline,
        ...axes.map((x) => r.axes?.[x] ?? ""),
        ...tasks.map((t) => (t in h ? f2(h[t]) : "")),
        ...avgs.map((x) => (x in a ? `**${f2(a[x])}**` : "")),
      ];
    }),
  );
};
