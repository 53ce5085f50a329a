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
import { barChart, escapeXml, heatMap } from "./report_svg.ts";

const SUITE_CHARTS: ReadonlyArray<{
  readonly title: string;
  readonly tasks: ReadonlyArray<string>;
  readonly unit: string;
}> = [
  { title: "STS", tasks: STS_TASKS, unit: "Spearman ×100" },
  {
    title: "Clustering (ACC)",
    tasks: [...CLUSTERING_TASKS, ...CLUSTERING_EXTRAS],
    unit: "ACC ×100",
  },
  {
    title: "Classification",
    tasks: CLASSIFICATION_TASKS,
    unit: "accuracy ×100",
  },
];

const htmlTable = (head: string[], rows: string[][]) =>
  `<table><thead><tr>${
    head.map((h) => `<th>${escapeXml(h)}</th>`).join("")
  }</tr></thead><tbody>${
    rows.map((r) =>
      `<tr>${r.map((c) => `<td>${escapeXml(c)}</td>`).join("")}</tr>`
    ).join("")
  }</tbody></table>`;

/**
 * One self-contained HTML page: a summary table, per-task bar charts for
 * each suite, a heat map of every pipeline × task when there are several
 * (a grid), isotropy, and the run's settings.
 */
export const reportHtml = (
  results: ReadonlyArray<PipelineResult>,
  settings: Readonly<Record<string, string>>,
): string => {
  const label = (r: PipelineResult) =>
    r.axes ? Object.values(r.axes).join(" · ") : r.pipeline;
  const tasks = Object.keys(headlineTasks(results[0]));
  const avgs = Object.keys(suiteAverages(results[0]));
  const nmiTasks = [...CLUSTERING_TASKS, ...CLUSTERING_EXTRAS].filter((t) =>
    results[0].clustering?.tasks[t]
  );
  const summary = htmlTable(
    ["pipeline", "hash", ...avgs, "mean cos", "eff. dim", "seconds"],
    results.map((r) => {
      const a = suiteAverages(r);
      return [
        label(r),
        r.hash,
        ...avgs.map((k) => a[k]?.toFixed(2) ?? ""),
        r.isotropy
          ? (r.isotropy.meanCosine + 0).toFixed(3).replace(/^-(0\.0+)$/, "$1")
          : "",
        r.isotropy?.effectiveDimRatio.toFixed(3) ?? "",
        r.seconds.toFixed(1),
      ];
    }),
  );
  // Bars stay readable for a handful of pipelines; a grid shows its best 6.
  const ranked = [...results].sort((a, b) => {
    const ma = Object.values(suiteAverages(a)),
      mb = Object.values(suiteAverages(b));
    return (mb[0] ?? 0) - (ma[0] ?? 0);
  }).slice(0, 6);
  const bars = SUITE_CHARTS.map((c) => {
    const present = c.tasks.filter((t) => t in headlineTasks(results[0]));
    if (present.length === 0) return "";
    return barChart(
      c.title,
      present,
      ranked.map((r) => ({
        name: label(r),
        values: present.map((t) => headlineTasks(r)[t]),
      })),
      c.unit,
    );
  }).join("\n");
  const heat = results.length > 1
    ? heatMap(
      "Every pipeline × task (shade: from the column's lowest to its highest score)",
      results.map(label),
      [...tasks, ...avgs],
      results.map((r) => {
        const h = headlineTasks(r), a = suiteAverages(r);
        return [...tasks.map((t) => h[t]), ...avgs.map((k) => a[k])];
      }),
    )
    : "";
  const settingRows = Object.entries(settings).map(([k, v]) => [k, v]);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>sentemb evaluation — ${
    escapeXml(results.map((r) => r.pipeline)[0])
  }</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2rem; color: #111; max-width: 1400px; }
table { border-collapse: collapse; margin: 1rem 0; font-size: 13px; }
th, td { border: 1px solid #ccc; padding: 3px 8px; text-align: right; }
th:first-child, td:first-child { text-align: left; }
svg { display: block; margin: 1.5rem 0; max-width: 100%; height: auto; }
</style></head><body>
<h1>sentemb evaluation</h1>
${htmlTable(["setting", "value"], settingRows)}
<h2>Summary</h2>
${summary}
<h2>Per task</h2>
${bars}
${heat ? `<h2>Grid</h2>\n${heat}` : ""}
<h2>All scores</h2>
${
    htmlTable(
      ["task", ...results.map(label)],
      [
        ...tasks.map((t) => [
          t,
          ...results.map((r) => headlineTasks(r)[t]?.toFixed(2) ?? ""),
        ]),
        ...nmiTasks.map((t) => [
          `${t} (NMI)`,
          ...results.map((r) => r.clustering?.tasks[t]?.nmi.toFixed(2) ?? ""),
        ]),
      ],
    )
  }
</body></html>
`;
};
