import { Effect } from "effect";
import { DEFAULT_PIPELINE, PIPELINES } from "../../pipelines/mod.ts";
import {
  outputPrecision,
  portabilityProblem,
  requirementsOf,
  statisticsOf,
} from "../pipeline/describe.ts";
import { pipelineHash } from "../pipeline/hash.ts";
import { compilePlan } from "../pipeline/plan.ts";
import { parseFlags } from "./args.ts";
import { pipelinesFlag } from "./pipeline_flag.ts";
import { runMain } from "./run_main.ts";

const USAGE = `Usage: deno task pipelines [--json] [--pipelines FILE[,FILE...]]

Lists every declared pipeline: name, hash (its version), its stages, what it
needs, and how its statistics are fitted (none, corpus, transductive).
--json       one JSON array; each entry's "declaration" is the pipeline
             itself: save one to a file, edit it, and run it with
             \`deno task embed --pipeline my.json\`
--pipelines  list these (your files or names) instead of the catalogue`;

const flags = parseFlags(Deno.args, {
  json: { type: "boolean" },
  pipelines: { type: "string" },
  help: { type: "boolean" },
}, USAGE);
if (flags.help) {
  console.log(USAGE);
  Deno.exit(0);
}

const program = Effect.gen(function* () {
  const specs = flags.pipelines
    ? (yield* pipelinesFlag(flags.pipelines)).map((s) => s.spec)
    : PIPELINES;
  const rows = yield* Effect.forEach(
    specs,
    (spec) =>
      Effect.map(compilePlan(spec), (plan) => ({
        name: spec.name,
        hash: pipelineHash(spec),
        default: spec.name === DEFAULT_PIPELINE,
        description: spec.description,
        stages: spec.stages.map((s) => s._tag).join(" → "),
        needs: requirementsOf(plan),
        statistics: statisticsOf(plan),
        precision: outputPrecision(plan),
        browser: portabilityProblem(plan) ?? "yes",
        declaration: spec,
      })),
  );
  if (flags.json) {
    console.log(JSON.stringify(rows, null, 2));
    return;
  }
  for (const r of rows) {
    console.log(
      `${r.name}${
        r.default ? " (default)" : ""
      }  ${r.hash}  statistics: ${r.statistics}\n  ${r.description}\n  stages: ${r.stages}\n  needs: ${r.needs}`,
    );
  }
});

await runMain(program);
