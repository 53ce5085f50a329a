import { Effect } from "effect";
import { DEFAULT_PIPELINE, PIPELINES } from "../../pipelines/mod.ts";
import { requirementsOf, statisticsOf } from "../pipeline/describe.ts";
import { pipelineHash } from "../pipeline/hash.ts";
import { decodePipelineSpec } from "../pipeline/registry.ts";
import { parseFlags } from "./args.ts";
import { runMain } from "./run_main.ts";

const USAGE = `Usage: deno task pipelines [--json]

Lists every declared pipeline: name, hash (its version), what it needs, and
how its statistics are fitted (none, corpus, transductive).`;

const flags = parseFlags(Deno.args, {
  json: { type: "boolean" },
  help: { type: "boolean" },
}, USAGE);
if (flags.help) {
  console.log(USAGE);
  Deno.exit(0);
}

const program = Effect.gen(function* () {
  const specs = yield* Effect.forEach(PIPELINES, decodePipelineSpec);
  const rows = specs.map((spec) => ({
    name: spec.name,
    hash: pipelineHash(spec),
    default: spec.name === DEFAULT_PIPELINE,
    description: spec.description,
    needs: requirementsOf(spec),
    statistics: statisticsOf(spec),
  }));
  if (flags.json) {
    console.log(JSON.stringify(rows, null, 2));
    return;
  }
  for (const r of rows) {
    console.log(
      `${r.name}${
        r.default ? " (default)" : ""
      }  ${r.hash}  statistics: ${r.statistics}\n  ${r.description}\n  needs: ${r.needs}`,
    );
  }
});

await runMain(program);
