import { Effect, Layer } from "effect";
import { DEFAULT_PIPELINE } from "../pipelines/mod.ts";
import { parseFlags } from "../src/cli/args.ts";
import { runMain } from "../src/cli/run_main.ts";
import { BadConfig, DataError } from "../src/errors.ts";
import {
  DEFAULT_COLUMNS,
  OWN_SUITES,
  type OwnSuite,
  readTable,
  scoreClassify,
  scoreCluster,
  scorePairs,
} from "../src/eval/own_file.ts";
import { pipelineHash } from "../src/pipeline/hash.ts";
import { userPath } from "../src/pipeline/pipeline_source.ts";
import { cachedForwardLayer } from "../src/eval/cached_forward.ts";
import { type Gemm, jsGemm } from "../src/eval/gemm.ts";
import { gridVariants } from "../src/eval/grid.ts";
import { ortGemm } from "../src/eval/ort_gemm.ts";
import type { StsVariant } from "../src/eval/sts_eval.ts";
import { loadPipeline } from "../src/pipeline/load.ts";
import { withArtifactsBeside } from "../src/cli/pipeline_flag.ts";
import {
  MODEL_FLAGS,
  MODEL_USAGE,
  pipelineOrRecipe,
} from "../src/cli/model_recipe.ts";
import { Paths } from "../src/paths.ts";
import { ServicesFromEnv } from "../src/services.ts";
import {
  bestMarkdown,
  bestPerSuite,
  type PipelineResult,
  resultJson,
  type Suite,
  SUITES,
} from "./eval_result.ts";
import { progress } from "./progress.ts";
import { comparisonMarkdown, pipelineMarkdown } from "./report_markdown.ts";
import { reportHtml } from "./report_html.ts";
import { runSuites, stepsPerPipeline } from "./run_suites.ts";

const USAGE =
  `Usage: deno task eval [--pipeline NAME|FILE] [--suite sts|clustering|classification|all]
                      [--variant raw|senteval] [--grid] [--extras] [--json] [--out DIR]

Evaluates a pipeline on the data in SENTEMB_DATA (default ../shared/data).
--pipeline  a name from \`deno task pipelines\` or your own pipeline file
            (.json, or .ts with a default export; FILE#NAME picks one)
${MODEL_USAGE}
--suite     sts: the 8 STS tasks (Spearman x100 of cosine vs gold; default)
            clustering: 6 short-text sets, k-means++ ACC and NMI
            classification: 12 tasks, logistic regression accuracy
            all: the three
--variant   STS text: raw (original, as MTEB; default) or senteval
            (Moses-tokenised, lowercased, as SimCSE/PromptBERT tables)
--grid      run the pipeline's pooling x weighting x post-processing
            (x layers) variants; a transformer's hidden states are computed
            once and shared through the cache
--extras    add GoogleNews-T and -S to the clustering suite
--json      print one JSON object instead of tables
--out DIR   also write DIR/results.json, DIR/report.md, DIR/report.html
            (checked before any work; results are printed even when the
            reports cannot be written)

Your own file: deno task eval --suite pairs|classify|cluster --file F.tsv
            [--columns A,B,...] [--folds 10] [--pipeline ...] [--json] [--out DIR]
            a TSV (or .csv) with a header line; --columns names the columns:
pairs       s1,s2,score (default): two texts and a gold score; Spearman and
            Pearson x100 of the cosine against the gold
classify    text,label (default): the k-fold logistic regression (--folds)
cluster     text,label (default): k-means++ with k = the labels, ACC and NMI
A transductive pipeline is fitted on every text of the file (both sides).

Results and hidden states are cached under SENTEMB_CACHE (default .cache/):
a rerun on identical vectors reads its scores back.`;

const flags = parseFlags(Deno.args, {
  pipeline: { type: "string" },
  suite: { type: "string" },
  variant: { type: "string" },
  grid: { type: "boolean" },
  extras: { type: "boolean" },
  json: { type: "boolean" },
  out: { type: "string" },
  file: { type: "string" },
  columns: { type: "string" },
  folds: { type: "string" },
  help: { type: "boolean" },
  ...MODEL_FLAGS,
}, USAGE);

// The native products are 10–50x faster; without the addon, plain TS still works.
const loadGemm = (): Promise<Gemm> =>
  ortGemm(Math.min(2, navigator.hardwareConcurrency)).catch((e) => {
    console.error(
      `note: onnxruntime unavailable (${e}); using the TypeScript products`,
    );
    return jsGemm;
  });

const writeReports = (dir: string, files: Record<string, string>) =>
  Effect.tryPromise({
    try: async () => {
      await Deno.mkdir(dir, { recursive: true });
      for (const [name, text] of Object.entries(files)) {
        await Deno.writeTextFile(`${dir}/${name}`, text);
      }
    },
    catch: (e) =>
      new BadConfig({
        subject: "--out",
        reason: `cannot write to ${dir} (${
          e instanceof Error ? e.message : String(e)
        })`,
      }),
  });

/**
 * Prints the results, then writes the reports under `--out` (results.json,
 * report.md and whatever `more` adds): a report that cannot be written loses
 * nothing.
 */
const emitResults = (
  json: unknown,
  markdown: string,
  more: () => Record<string, string> = () => ({}),
) =>
  Effect.gen(function* () {
    console.log(flags.json ? JSON.stringify(json) : markdown);
    if (flags.out) {
      yield* writeReports(flags.out, {
        "results.json": JSON.stringify(json, null, 2),
        "report.md": `${markdown}\n`,
        ...more(),
      });
    }
  });

/** Whether `dir` can take the reports, checked before any work. */
const checkOut = (dir: string) =>
  writeReports(dir, {}).pipe(
    Effect.flatMap(() =>
      Effect.tryPromise({
        try: async () => {
          const probe = `${dir}/.sentemb-write-check`;
          await Deno.writeTextFile(probe, "");
          await Deno.remove(probe);
        },
        catch: (e) =>
          new BadConfig({
            subject: "--out",
            reason: `cannot write to ${dir} (${
              e instanceof Error ? e.message : String(e)
            })`,
          }),
      })
    ),
  );

const ownFile = (file: string, suite: OwnSuite) =>
  Effect.gen(function* () {
    const columns = flags.columns?.split(",").map((c) => c.trim()) ??
      [...DEFAULT_COLUMNS[suite]];
    if (columns.length !== DEFAULT_COLUMNS[suite].length) {
      return yield* new BadConfig({
        subject: "--columns",
        reason: `--suite ${suite} reads ${
          DEFAULT_COLUMNS[suite].length
        } columns (${DEFAULT_COLUMNS[suite].join(",")}), got ${columns.length}`,
      });
    }
    const folds = flags.folds === undefined ? 10 : Number(flags.folds);
    if (!Number.isInteger(folds) || folds < 2) {
      return yield* new BadConfig({
        subject: "--folds",
        reason: `"${flags.folds}" is not an integer of at least 2`,
      });
    }
    const path = userPath(file);
    const text = yield* Effect.tryPromise({
      try: () => Deno.readTextFile(path),
      catch: (e) => new DataError({ path, reason: (e as Error).message }),
    });
    const table = yield* readTable(path, text, columns);
    const sourced = yield* pipelineOrRecipe(flags, DEFAULT_PIPELINE);
    const gemm = yield* Effect.promise(loadGemm);
    const scores = yield* withArtifactsBeside([sourced])(
      Effect.gen(function* () {
        const pipeline = yield* loadPipeline(sourced.spec);
        const [a, b, c] = columns.map((k) => table[k]);
        switch (suite) {
          case "pairs":
            return yield* scorePairs(pipeline, path, a, b, c);
          case "classify":
            return yield* scoreClassify(pipeline, gemm, a, b, folds);
          case "cluster":
            return yield* scoreCluster(pipeline, gemm, a, b);
        }
      }),
    );
    const json = {
      pipeline: sourced.spec.name,
      hash: pipelineHash(sourced.spec),
      suite,
      file,
      columns,
      ...scores,
    };
    const markdown = [
      `# sentemb evaluation: ${sourced.spec.name} on ${file} (${suite})`,
      "",
      "| measure | value |",
      "| --- | ---: |",
      ...Object.entries(scores).map(([k, v]) =>
        `| ${k} | ${Number.isInteger(v) ? v : (v as number).toFixed(2)} |`
      ),
    ].join("\n");
    yield* emitResults(json, markdown);
  });

const program = Effect.gen(function* () {
  if (flags.out) yield* checkOut(flags.out);
  if (flags.file !== undefined) {
    const own = flags.suite ?? "pairs";
    if (!OWN_SUITES.includes(own as OwnSuite)) {
      return yield* new BadConfig({
        subject: "--suite",
        reason: `"${own}" is not a suite for --file; available: ${
          OWN_SUITES.join(", ")
        }`,
      });
    }
    return yield* ownFile(flags.file, own as OwnSuite);
  }
  const suite = flags.suite ?? "sts";
  if (suite !== "all" && !SUITES.includes(suite as Suite)) {
    return yield* new BadConfig({
      subject: "--suite",
      reason: `"${suite}" is not a suite; available: ${SUITES.join(", ")}, all`,
    });
  }
  const variant = flags.variant ?? "raw";
  if (variant !== "raw" && variant !== "senteval") {
    return yield* new BadConfig({
      subject: "--variant",
      reason: `"${variant}" is not raw or senteval`,
    });
  }
  const sourced = yield* pipelineOrRecipe(flags, DEFAULT_PIPELINE);
  const base = sourced.spec;
  const paths = yield* Paths;
  const settings = {
    dataDir: paths.data,
    suites: suite === "all" ? SUITES : [suite as Suite],
    variant: variant as StsVariant,
    extras: flags.extras ?? false,
    gemm: yield* Effect.promise(loadGemm),
    progress: progress(true),
  };
  const variants = flags.grid
    ? gridVariants(base)
    : [{ spec: base, axes: undefined }];
  const counter = {
    done: 0,
    total: variants.length * stepsPerPipeline(settings),
  };
  const started = performance.now();
  const results: PipelineResult[] = [];
  for (const v of variants) {
    results.push(
      yield* withArtifactsBeside([sourced])(
        Effect.flatMap(
          loadPipeline(v.spec),
          (pipeline) =>
            runSuites(pipeline, v.spec.name, v.axes, settings, counter),
        ),
      ),
    );
  }
  settings.progress.done();
  const seconds = (performance.now() - started) / 1000;
  const json = flags.grid
    ? {
      base: base.name,
      suite,
      variant,
      best: bestPerSuite(results),
      variants: results.map((r) => resultJson(r, suite, variant)),
      seconds,
    }
    : resultJson(results[0], suite, variant);
  const markdown = [
    `# sentemb evaluation: ${base.name}${
      flags.grid ? ` (grid of ${results.length})` : ""
    }`,
    ...(results.length > 1
      ? [bestMarkdown(results), comparisonMarkdown(results)]
      : []),
    ...results.map((r) => pipelineMarkdown(r, variant)),
    `Total: ${seconds.toFixed(1)} s; matrix products on ${settings.gemm.name}.`,
  ].join("\n\n");
  yield* emitResults(json, markdown, () => ({
    "report.html": reportHtml(results, {
      pipeline: base.name,
      suite,
      "STS text": variant,
      variants: String(results.length),
      "matrix products": settings.gemm.name,
      "total seconds": seconds.toFixed(1),
    }),
  }));
});

// Hidden states go through the on-disk cache: grid variants share one
// forward pass, and a rerun skips the model.
const services = Layer.merge(
  ServicesFromEnv,
  cachedForwardLayer().pipe(Layer.provide(ServicesFromEnv)),
);
await runMain(program, services);
