import { Effect } from "effect";
import { fileURLToPath } from "node:url";
import { DEFAULT_PIPELINE, PIPELINES } from "../../pipelines/mod.ts";
import { Paths } from "../paths.ts";
import {
  needsCorpus,
  outputPrecision,
  portabilityProblem,
  requirementsOf,
  statisticsOf,
} from "../pipeline/describe.ts";
import { pipelineHash } from "../pipeline/hash.ts";
import { compilePlan } from "../pipeline/plan.ts";
import { parseFlags } from "./args.ts";
import { pipelinesFlag, withArtifactsBeside } from "./pipeline_flag.ts";
import { hostReport, readRecordedSts } from "./pipeline_host.ts";
import { runMain } from "./run_main.ts";

const USAGE = `Usage: deno task pipelines [--json] [--pipelines FILE[,FILE...]]

Lists every declared pipeline: name, hash (its version), output dimension, its
stages, what it needs and whether each is on this host (so whether it runs
now, and if not, why), how its statistics are fitted (none, corpus,
transductive), and its STS avg8 when a result is recorded for this hash
(artifacts/sts_results.json, from the README's STS tables).
--json       one JSON array; each entry's "declaration" is the pipeline
             itself: save one to a file, edit it, and run it with
             \`deno task embed --pipeline my.json\`
--pipelines  list these (your files or names) instead of the catalogue`;

const flags = parseFlags(Deno.args, {
  json: { type: "boolean" },
  pipelines: { type: "string" },
  help: { type: "boolean" },
}, USAGE);

const RECORDED = fileURLToPath(
  new URL("../../artifacts/sts_results.json", import.meta.url),
);

const list = Effect.gen(function* () {
  const sourced = flags.pipelines
    ? yield* pipelinesFlag(flags.pipelines)
    : undefined;
  const specs = sourced ? sourced.map((s) => s.spec) : PIPELINES;
  const paths = yield* Paths;
  const recorded = readRecordedSts(RECORDED);
  const rows = yield* Effect.forEach(
    specs,
    (spec) =>
      Effect.map(compilePlan(spec), (plan) => {
        const hash = pipelineHash(spec);
        const host = hostReport(spec, paths, needsCorpus(plan));
        const sts = recorded[spec.name];
        return {
          name: spec.name,
          hash,
          default: spec.name === DEFAULT_PIPELINE,
          description: spec.description,
          dim: host.dim ?? null,
          stages: spec.stages.map((s) => s._tag).join(" → "),
          needs: requirementsOf(plan),
          host: {
            runnable: host.runnable,
            why: host.why ?? null,
            needs: host.needs,
          },
          statistics: statisticsOf(plan),
          precision: outputPrecision(plan),
          browser: portabilityProblem(plan) ?? "yes",
          sts: sts && sts.hash === hash
            ? {
              avg8: sts.avg8,
              avg7: sts.avg7,
              tasks: sts.tasks,
              source: sts.source,
            }
            : null,
          declaration: spec,
        };
      }),
  );
  if (flags.json) {
    console.log(JSON.stringify(rows, null, 2));
    return;
  }
  const runnable = rows.filter((r) => r.host.runnable).length;
  for (const r of rows) {
    const present = r.host.needs.length === 0
      ? "nothing (no model weights)"
      : r.host.needs.map((n) => `${n.need} ${n.present ? "✓" : "✗"}`)
        .join(", ");
    console.log(
      `${r.name}${r.default ? " (default)" : ""}  ${r.hash}  dim ${
        r.dim ?? "?"
      }  statistics: ${r.statistics}  STS avg8: ${
        r.sts ? r.sts.avg8.toFixed(2) : "not recorded"
      }\n  ${r.description}\n  stages: ${r.stages}\n  needs: ${present}\n  ${
        r.host.runnable ? "runs here now" : `cannot run here: ${r.host.why}`
      }`,
    );
  }
  console.log(
    `\n${runnable} of ${rows.length} pipelines run on this host now.`,
  );
});

const program = flags.pipelines
  ? Effect.flatMap(
    pipelinesFlag(flags.pipelines),
    (sourced) => withArtifactsBeside(sourced)(list),
  )
  : list;

await runMain(program);
