import "../temp_cache.ts";
import assert from "node:assert/strict";
import { type PipelineResult, resultJson } from "../../bench/eval_result.ts";
import { reportHtml } from "../../bench/report_html.ts";
import {
  comparisonMarkdown,
  pipelineMarkdown,
} from "../../bench/report_markdown.ts";
import { STS_TASKS } from "../../src/eval/sts_tasks.ts";

const result = (name: string, shift: number): PipelineResult => ({
  pipeline: name,
  hash: "0123456789ab",
  axes: { pooling: "mean", post: `<${name}>` },
  sts: {
    variant: "raw",
    tasks: Object.fromEntries(
      STS_TASKS.map((
        t,
        i,
      ) => [t, { pairs: 10, spearman: 50 + i + shift, pearson: 40 }]),
    ) as NonNullable<PipelineResult["sts"]>["tasks"],
    avg7: 53 + shift,
    avg8: 53.5 + shift,
  },
  classification: {
    tasks: {
      MR: {
        accuracy: 70 + shift,
        c: 0.001,
        trainRows: 9,
        testRows: 1,
        protocol: "kfold",
        cached: false,
      },
    },
    average: 70 + shift,
  },
  isotropy: { meanCosine: 0.02, effectiveDimRatio: 0.2, rows: 20 },
  seconds: 1.5,
});

Deno.test("--json keeps the STS shape and adds per-suite averages", () => {
  const j = resultJson(result("a", 0), "all", "raw");
  assert.equal(j.pipeline, "a");
  assert.equal(j.avg8, 53.5);
  assert.deepEqual(Object.keys(j.tasks), [...STS_TASKS, "MR"]);
  assert.deepEqual(j.averages, {
    stsAvg8: 53.5,
    stsAvg7: 53,
    classification: 70,
  });
});

Deno.test("the HTML report is one self-contained page with bars and a grid heat map", () => {
  const html = reportHtml([result("a", 0), result("b", 5)], { suite: "all" });
  assert.ok(html.startsWith("<!doctype html>"));
  assert.equal((html.match(/<svg /g) ?? []).length, 3); // STS bars, classification bars, heat map
  assert.ok(!/<script|src=|href=/.test(html), "no external resource or script");
  assert.ok(!/undefined|NaN/.test(html));
  assert.ok(html.includes("&#60;b&#62;"), "labels are escaped");
  // 9 STS bars per pipeline (8 tasks) + 1 MR bar, two pipelines, plus legend swatches.
  assert.ok((html.match(/<rect /g) ?? []).length >= 2 * 9);
});

Deno.test("Markdown: one comparison row per pipeline and a table per suite", () => {
  const md = comparisonMarkdown([result("a", 0), result("b", 5)]);
  assert.equal(md.split("\n").length, 4);
  assert.match(md, /\| b \| mean \| <b> \| 55\.00 /);
  const one = pipelineMarkdown(result("a", 0), "raw");
  assert.match(one, /\| MR \| kfold \| 9 \| 1 \| 0\.001 \| 70\.00 \|/);
  assert.match(one, /mean pairwise cosine 0\.020/);
});
