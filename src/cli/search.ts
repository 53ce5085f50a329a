import { Effect } from "effect";
import { DEFAULT_PIPELINE } from "../../pipelines/mod.ts";
import { BadConfig, DataError, EmptyInput } from "../errors.ts";
import { openLanceTable, parseLanceTarget } from "../io/write_lancedb.ts";
import { statisticsOf } from "../pipeline/describe.ts";
import { loadPipeline } from "../pipeline/load.ts";
import { userPath } from "../pipeline/pipeline_source.ts";
import { parseArgs } from "node:util";
import { pipelineFlag, withArtifactsBeside } from "./pipeline_flag.ts";
import { runMain } from "./run_main.ts";

const USAGE =
  `Usage: deno task search [--pipeline NAME|FILE] --db [lancedb://]PATH/TABLE
                        [--limit 5] "query"

Embeds the query with the pipeline and prints its nearest rows of a LanceDB
table written by \`deno task embed --to lancedb://PATH/TABLE\`, one JSON line
each: {"id", "text" (when stored), "distance"} (squared L2, nearest first).
The table's rows must come from the same pipeline version (its hash column).`;

const parsed = (() => {
  try {
    return parseArgs({
      args: Deno.args,
      options: {
        pipeline: { type: "string" },
        db: { type: "string" },
        limit: { type: "string" },
        help: { type: "boolean" },
      },
      strict: true,
      allowPositionals: true,
    });
  } catch (e) {
    console.error(`${(e as Error).message}\n\n${USAGE}`);
    Deno.exit(2);
  }
})();
const flags = parsed.values;
if (flags.help) {
  console.log(USAGE);
  Deno.exit(0);
}
const query = parsed.positionals.join(" ").trim();
const limit = Number(flags.limit ?? 5);
if (flags.db === undefined || !Number.isInteger(limit) || limit < 1) {
  console.error(
    `${
      flags.db === undefined ? "--db is required" : "--limit must be >= 1"
    }\n\n${USAGE}`,
  );
  Deno.exit(2);
}

const program = Effect.gen(function* () {
  if (query === "") {
    return yield* new EmptyInput({ reason: "give the query to search for" });
  }
  const ref = flags.db!;
  const target = parseLanceTarget(ref);
  if (target === undefined) {
    return yield* new BadConfig({
      subject: `--db ${ref}`,
      reason: "give lancedb://PATH/TABLE (a database folder and a table name)",
    });
  }
  const path = userPath(target.db);
  const table = yield* Effect.tryPromise({
    try: () => openLanceTable({ db: path, table: target.table }),
    catch: (e) => new DataError({ path, reason: (e as Error).message }),
  });
  if (table === undefined) {
    return yield* new DataError({
      path,
      reason: `no table "${target.table}"; write one with ` +
        `deno task embed --to lancedb://${target.db}/${target.table}`,
    });
  }
  const sourced = yield* pipelineFlag(flags.pipeline ?? DEFAULT_PIPELINE);
  const embedder = yield* withArtifactsBeside([sourced])(
    Effect.gen(function* () {
      const pipeline = yield* loadPipeline(sourced.spec);
      if (statisticsOf(pipeline.plan) === "transductive") {
        return yield* new BadConfig({
          subject: `--pipeline ${sourced.spec.name}`,
          reason: "its statistics are fitted on its input, so one query " +
            "cannot be embedded as the table was; fit it first " +
            "(deno task fit --name) and use the fitted pipeline",
        });
      }
      return yield* pipeline.fit([]);
    }),
  );
  const hits = yield* Effect.tryPromise({
    try: async () => {
      const hashes = await table.query().select(["hash"]).limit(1).toArray();
      const stored = hashes[0]?.hash as string | undefined;
      if (stored !== undefined && stored !== embedder.hash) {
        throw new BadConfig({
          subject: `--pipeline ${sourced.spec.name}`,
          reason: `the table was written by pipeline version ${stored}, ` +
            `this is ${embedder.hash}: search with the same pipeline`,
        });
      }
      const e = await Effect.runPromise(embedder.embed([query]));
      const rows = await table.search(Array.from(e.data)).limit(limit)
        .toArray();
      table.close();
      return rows;
    },
    catch: (e) =>
      e instanceof BadConfig
        ? e
        : new DataError({ path, reason: (e as Error).message }),
  });
  for (const r of hits) {
    console.log(JSON.stringify({
      id: r.id,
      ...(r.text === undefined ? {} : { text: r.text }),
      distance: r._distance,
    }));
  }
});

await runMain(program);
