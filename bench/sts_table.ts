import type { StsReport } from "../src/eval/sts_eval.ts";
import { STS_TASKS } from "../src/eval/sts_tasks.ts";

/** A Markdown table: one row per STS task, then avg7 and avg8. */
export const formatStsTable = (
  name: string,
  hash: string,
  report: StsReport,
): string => {
  const lines = [
    `STS (${report.variant} text) — ${name} @ ${hash}`,
    "",
    "| task | pairs | Spearman | Pearson |",
    "|---|---:|---:|---:|",
    ...STS_TASKS.map((t) => {
      const s = report.tasks[t];
      return `| ${t} | ${s.pairs} | ${s.spearman.toFixed(2)} | ${
        s.pearson.toFixed(2)
      } |`;
    }),
    `| **avg7** | | **${report.avg7.toFixed(2)}** | |`,
    `| **avg8** | | **${report.avg8.toFixed(2)}** | |`,
  ];
  return lines.join("\n");
};
