import { Effect } from "effect";
import { PIPELINES } from "../../pipelines/mod.ts";
import { writeStatisticsArtifact } from "../artifact/artifact_store.ts";
import { BadConfig, EmptyInput } from "../errors.ts";
import { Paths } from "../paths.ts";
import { needsCorpus, statisticsOf } from "../pipeline/describe.ts";
import { pipelineHash } from "../pipeline/hash.ts";
import { loadPipeline, withoutArtifact } from "../pipeline/load.ts";
import { findPipeline } from "../pipeline/registry.ts";
import type { FitSource, PipelineSpec } from "../pipeline/spec.ts";
import { parseFlags } from "./args.ts";
import { runMain } from "./run_main.ts";

const USAGE =
  `Usage: deno task fit (--pipeline NAME | --all) [--corpus FILE] [--out DIR] [--check]

Fits a pipeline's corpus statistics (token counts for idf/SIF/frequent-token
filters, post-processing parameters) and writes them as a content-hashed
artifact, <out>/<hash>.semb (default out: SENTEMB_ARTIFACTS, the project's
artifacts/), that the pipeline can declare to run without the corpus.

--all        every pipeline that declares an artifact
--check      refit and fail unless every declared artifact is reproduced
--corpus F   fit on F (one sentence a line) instead of the general corpus.
             Statistics a pipeline fits on its input are fitted on F too,
             and the corpus-fitted declaration is printed as JSON: the
             transductive setting, for a collection of your own.`;

const flags = parseFlags(Deno.args, {
  pipeline: { type: "string" },
  all: { type: "boolean" },
  corpus: { type: "string" },
  out: { type: "string" },
  check: { type: "boolean" },
  help: { type: "boolean" },
}, USAGE);
if (flags.help) {
  console.log(USAGE);
  Deno.exit(0);
}

// "input" statistics become "corpus" ones: the user's file stands in for
// the sentences they will embed.
const onCorpus = (spec: PipelineSpec): PipelineSpec => {
  const c = (s: FitSource): FitSource => (s === "input" ? "corpus" : s);
  const { artifact: _a, ...rest } = spec;
  return {
    ...rest,
    weighting: rest.weighting._tag === "uniform"
      ? rest.weighting
      : { ...rest.weighting, fitOn: c(rest.weighting.fitOn) },
    filters: rest.filters.frequent
      ? {
        ...rest.filters,
        frequent: {
          ...rest.filters.frequent,
          fitOn: c(rest.filters.frequent.fitOn),
        },
      }
      : rest.filters,
    ...(rest.postprocess
      ? {
        postprocess: { ...rest.postprocess, fitOn: c(rest.postprocess.fitOn) },
      }
      : {}),
  };
};

const readCorpusFile = (path: string) =>
  Effect.try({
    try: () =>
      Deno.readTextFileSync(path).split(/\r?\n/).filter((l) => l.trim() !== ""),
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
  const spec = flags.corpus ? onCorpus(declared) : withoutArtifact(declared);
  if (!needsCorpus(spec)) {
    return yield* new BadConfig({
      subject: `pipeline "${spec.name}"`,
      reason: `its statistics are "${
        statisticsOf(spec)
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
  const hash = writeStatisticsArtifact(flags.out ?? paths.artifacts, {
    kind: "pipeline-statistics",
    pipeline: spec.name,
    fittedFor: pipelineHash(spec),
    corpus: fitted.corpus,
  }, fitted.fitted);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const same = declared.artifact === hash;
  console.error(
    `${spec.name}: artifact ${hash} from ${fitted.corpus} (${seconds} s)` +
      (flags.corpus
        ? ""
        : same
        ? ", as declared"
        : `, declared ${declared.artifact ?? "none"}`),
  );
  if (flags.corpus) {
    console.log(JSON.stringify({ ...spec, artifact: hash }, null, 2));
  }
  return same;
});

const program = Effect.gen(function* () {
  let specs: PipelineSpec[];
  if (flags.all || flags.check) {
    specs = PIPELINES.filter((p) => p.artifact !== undefined);
  } else if (flags.pipeline) {
    specs = [yield* findPipeline(PIPELINES, flags.pipeline)];
  } else {
    return yield* new BadConfig({
      subject: "fit",
      reason: "give --pipeline NAME or --all",
    });
  }
  let reproduced = true;
  for (const spec of specs) reproduced = (yield* fitOne(spec)) && reproduced;
  if (flags.check && !reproduced) {
    return yield* new BadConfig({
      subject: "artifacts",
      reason: "a declared artifact was not reproduced; update the declaration",
    });
  }
});

await runMain(program);
