import { Effect } from "effect";
import { DEFAULT_PIPELINE, PIPELINES } from "../pipelines/mod.ts";
import { parseFlags } from "../src/cli/args.ts";
import { runMain } from "../src/cli/run_main.ts";
import { BadConfig } from "../src/errors.ts";
import { evaluateSts, type StsVariant } from "../src/eval/sts_eval.ts";
import { STS_TASKS } from "../src/eval/sts_tasks.ts";
import { loadPipeline } from "../src/pipeline/load.ts";
import { findPipeline } from "../src/pipeline/registry.ts";
import { Paths } from "../src/paths.ts";
import { formatStsTable } from "./sts_table.ts";

const USAGE =
  `Usage: deno task eval [--pipeline NAME] [--suite sts] [--variant raw|senteval] [--json]

Evaluates a pipeline on the data in SENTEMB_DATA (default ../shared/data).
--suite     sts (the 8 STS tasks; Spearman x100 of cosine vs gold)
--variant   raw (original text, as MTEB) or senteval (Moses-tokenised,
            lowercased, as SimCSE/PromptBERT tables). Default raw.
--json      print one JSON object instead of the table.`;

const flags = parseFlags(Deno.args, {
  pipeline: { type: "string" },
  suite: { type: "string" },
  variant: { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean" },
}, USAGE);
if (flags.help) {
  console.log(USAGE);
  Deno.exit(0);
}

const program = Effect.gen(function* () {
  const suite = flags.suite ?? "sts";
  if (suite !== "sts") {
    return yield* new BadConfig({
      subject: "--suite",
      reason: `"${suite}" is not a suite; available: sts`,
    });
  }
  const variant = flags.variant ?? "raw";
  if (variant !== "raw" && variant !== "senteval") {
    return yield* new BadConfig({
      subject: "--variant",
      reason: `"${variant}" is not raw or senteval`,
    });
  }
  const spec = yield* findPipeline(
    PIPELINES,
    flags.pipeline ?? DEFAULT_PIPELINE,
  );
  const paths = yield* Paths;
  const pipeline = yield* loadPipeline(spec);
  const started = performance.now();
  const report = yield* evaluateSts(
    pipeline,
    paths.data,
    variant as StsVariant,
    flags.json
      ? undefined
      : (task, s) =>
        console.error(`  ${task.padEnd(12)} ${s.spearman.toFixed(2)}`),
  );
  const seconds = (performance.now() - started) / 1000;
  if (flags.json) {
    console.log(JSON.stringify({
      pipeline: spec.name,
      hash: pipeline.hash,
      suite,
      variant,
      metric: "spearman x100",
      tasks: Object.fromEntries(
        STS_TASKS.map((t) => [t, report.tasks[t].spearman]),
      ),
      pearson: Object.fromEntries(
        STS_TASKS.map((t) => [t, report.tasks[t].pearson]),
      ),
      avg7: report.avg7,
      avg8: report.avg8,
      seconds,
    }));
    return;
  }
  console.log(formatStsTable(spec.name, pipeline.hash, report));
  console.log(`(${seconds.toFixed(1)} s)`);
});

await runMain(program);
