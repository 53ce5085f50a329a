import { Effect } from "effect";
import { PIPELINES } from "../../pipelines/mod.ts";
import { writeStatisticsArtifact } from "../artifact/artifact_store.ts";
import { BadConfig, EmptyInput } from "../errors.ts";
import { Paths } from "../paths.ts";
import { needsCorpus, statisticsOf } from "../pipeline/describe.ts";
import { pipelineHash, withoutArtifact } from "../pipeline/hash.ts";
import { loadPipeline } from "../pipeline/load.ts";
import { userPath } from "../pipeline/pipeline_source.ts";
import { planOf } from "../pipeline/plan.ts";
import type { PipelineSpec, StageDeclaration } from "../pipeline/spec.ts";
import { parseFlags } from "./args.ts";
import { pipelineFlag, withArtifactsBeside } from "./pipeline_flag.ts";
import { runMain } from "./run_main.ts";

const USAGE =
  `Usage: deno task fit (--pipeline NAME|FILE | --all) [--corpus FILE] [--name NAME] [--out DIR] [--check]

Fits a pipeline's corpus statistics (token counts for idf/SIF/frequent-token
filters, post-processing parameters) and writes them as a content-hashed
artifact, <out>/<hash>.semb (default out: SENTEMB_ARTIFACTS, the project's
artifacts/), that the pipeline can declare to run without the corpus.

--all        every pipeline that declares an artifact
--check      refit and fail unless every declared artifact is reproduced
--corpus F   fit on F (one sentence a line) instead of the general corpus.
             Statistics a pipeline fits on its input are fitted on F too,
             and the corpus-fitted declaration is printed as JSON: the
             transductive setting, for a collection of your own.
--name N     save the fitted pipeline under its own name: writes
             <out>/<hash>.semb and <out>/N.json (its declaration; default
             out: the current folder), so \`--pipeline <out>/N.json\` runs
             it with its artifact from beside the file.`;

const flags = parseFlags(Deno.args, {
  pipeline: { type: "string" },
  all: { type: "boolean" },
  corpus: { type: "string" },
  out: { type: "string" },
  check: { type: "boolean" },
  name: { type: "string" },
  help: { type: "boolean" },
}, USAGE);

// "input" statistics become "corpus" ones: the user's file stands in for
// the sentences they will embed.
const fitOnCorpus = (d: StageDeclaration): StageDeclaration =>
  JSON.parse(
    JSON.stringify(d),
    (key, value) => (key === "fitOn" && value === "input" ? "corpus" : value),
  );

const onCorpus = (spec: PipelineSpec): PipelineSpec => ({
  ...withoutArtifact(spec),
  stages: spec.stages.map(fitOnCorpus),
});

const readCorpusFile = (path: string) =>
  Effect.try({
    try: () =>
      Deno.readTextFileSync(userPath(path)).split(/\r?\n/).filter((l) =>
        l.trim() !== ""
      ),
    catch: (e) =>
      new EmptyInput({
        reason: `cannot read ${path}: ${(e as Error).message}`,
      }),
  }).pipe(Effect.flatMap((lines) =>
    lines.length > 0
      ? Effect.succeed(lines)
      : Effect.fail(new EmptyInput({ reason: `${path} has no sentences` }))
  ));

const fitOne = Effect.fn("fitOne")(function* (declared: PipelineSpec) {
  const paths = yield* Paths;
  const base = flags.corpus ? onCorpus(declared) : withoutArtifact(declared);
  const spec = flags.name ? { ...base, name: flags.name } : base;
  const plan = planOf(spec);
  if (!needsCorpus(plan)) {
    return yield* new BadConfig({
      subject: `pipeline "${spec.name}"`,
      reason: `its statistics are "${
        statisticsOf(plan)
      }": nothing to fit on a corpus`,
    });
  }
  const corpus = flags.corpus
    ? {
      label: `file:${flags.corpus.split("/").pop()}`,
      sentences: yield* readCorpusFile(flags.corpus),
    }
    : undefined;
  const started = performance.now();
  const pipeline = yield* loadPipeline(spec, corpus ? { corpus } : {});
  const fitted = pipeline.corpusStatistics()!;
  const out = flags.out
    ? userPath(flags.out)
    : flags.name
    ? userPath(".")
    : paths.artifacts;
  const hash = writeStatisticsArtifact(out, {
    kind: "pipeline-statistics",
    pipeline: spec.name,
    fittedFor: pipelineHash(spec),
    corpus: fitted.corpus,
  }, fitted.fitted);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const same = declared.artifact === hash;
  console.error(
    `${spec.name}: artifact ${hash} from ${fitted.corpus} (${seconds} s)` +
      (flags.corpus || flags.name
        ? ""
        : same
        ? ", as declared"
        : `, declared ${declared.artifact ?? "none"}`),
  );
  const declaration = { ...spec, artifact: hash };
  if (flags.name) {
    const file = `${out}/${flags.name}.json`;
    yield* Effect.tryPromise({
      try: () =>
        Deno.writeTextFile(file, JSON.stringify(declaration, null, 2) + "\n"),
      catch: (e) =>
        new BadConfig({ subject: "--out", reason: (e as Error).message }),
    });
    console.error(`wrote ${file}; run it with --pipeline ${file}`);
  }
  if (flags.corpus || flags.name) {
    console.log(JSON.stringify(declaration, null, 2));
  }
  return same;
});

const program = Effect.gen(function* () {
  if (flags.all || flags.check) {
    const specs = PIPELINES.filter((p) => p.artifact !== undefined);
    let reproduced = true;
    for (const spec of specs) reproduced = (yield* fitOne(spec)) && reproduced;
    if (flags.check && !reproduced) {
      return yield* new BadConfig({
        subject: "artifacts",
        reason:
          "a declared artifact was not reproduced; update the declaration",
      });
    }
    return;
  }
  if (!flags.pipeline) {
    return yield* new BadConfig({
      subject: "fit",
      reason: "give --pipeline NAME|FILE or --all",
    });
  }
  const sourced = yield* pipelineFlag(flags.pipeline);
  yield* withArtifactsBeside([sourced])(fitOne(sourced.spec));
});

await runMain(program);
