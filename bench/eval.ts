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
import { type GridVariant, gridVariants } from "../src/eval/grid.ts";
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
import { runSuites, stepsPerPipeline, suiteTasks } from "./run_suites.ts";
import { assembleResults, gridJobs, jobRunner } from "./eval_queue.ts";
import { getState } from "../src/queue/chunk_state.ts";
import {
  openResults,
  readResults,
  submitEvalJobs,
} from "../src/queue/eval_job.ts";
import { runEvalWorker } from "../src/queue/eval_worker.ts";
import { EVAL_QUEUE_NAMES } from "../src/queue/names.ts";
import { NatsQueue, natsQueueLayer } from "../src/queue/nats_queue.ts";
import { QueueError } from "../src/queue/queue_error.ts";
import type { PipelineSpec } from "../src/pipeline/spec.ts";
import type { Services } from "../src/services.ts";

const USAGE =
  `Usage: deno task eval [--pipeline NAME|FILE] [--suite sts|clustering|classification|all]
                      [--variant raw|senteval] [--grid] [--extras] [--json] [--out DIR]
                      [--limit N] [--tasks A,B,...]
                      [--queue nats://HOST:PORT [--report]]
       deno task eval --worker --queue nats://HOST:PORT [--concurrency N]
                      [--ack-wait S] [--max-deliver N] [--exit-when-empty]

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
--limit N   only the first N variants of the grid
--tasks     only these tasks of the suites (STS12,SICK-R,...); averages
            over those run

Across machines (a NATS server with JetStream, \`nats-server -js\`):
--queue     submit the run as jobs, one per (variant, task) and one per
            variant's isotropy, to the work-queue stream SENTEMB_EVAL; a
            re-submit sends only jobs never sent
--report    with --queue (and the same flags as the submit): print the
            progress and, once every job is done, the report a local run
            prints, built from the results the workers wrote
--worker    pull jobs and score them (any number of workers, anywhere);
            each result goes to the queue's results bucket, then the job
            is acked. SIGTERM drains: no new job, the current ones finish
  --concurrency N   jobs in flight at once (default 1)
  --ack-wait S      seconds before an unacked job is redelivered (default 60)
  --max-deliver N   failed attempts before a job goes to the dead letters
                    (sentemb.eval.dead) with its error (default 3)
  --exit-when-empty exit once the stream holds no job

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
  limit: { type: "string" },
  tasks: { type: "string" },
  queue: { type: "string" },
  report: { type: "boolean" },
  worker: { type: "boolean" },
  concurrency: { type: "string" },
  "ack-wait": { type: "string" },
  "max-deliver": { type: "string" },
  "exit-when-empty": { type: "boolean" },
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
    ...(flags.tasks === undefined
      ? {}
      : { tasks: flags.tasks.split(",").map((t) => t.trim()) }),
  };
  const limit = flags.limit === undefined ? Infinity : Number(flags.limit);
  if (!(limit >= 1)) {
    return yield* new BadConfig({
      subject: "--limit",
      reason: `"${flags.limit}" is not a positive number`,
    });
  }
  const variants =
    (flags.grid ? gridVariants(base) : [{ spec: base, axes: undefined }]).slice(
      0,
      limit,
    );
  if (suiteTasks(settings).length === 0) {
    return yield* new BadConfig({
      subject: "--tasks",
      reason: `none of "${flags.tasks}" is a task of --suite ${suite}`,
    });
  }
  if (flags.queue !== undefined) {
    const url = flags.queue;
    const grid = { ...settings, variant: variant as StsVariant };
    const done = yield* (flags.report
      ? queueReport(url, variants, grid)
      : Effect.as(queueSubmit(url, variants, grid), undefined));
    if (done === undefined) {
      return;
    }
    return yield* report(base.name, suite, variant, done, settings.gemm.name);
  }
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
  yield* report(
    base.name,
    suite,
    variant,
    { results, seconds: (performance.now() - started) / 1000 },
    settings.gemm.name,
  );
});

/** Prints (and with --out writes) the report of a run's results. */
const report = (
  baseName: string,
  suite: string,
  variant: string,
  run: { readonly results: PipelineResult[]; readonly seconds: number },
  gemmName: string,
) =>
  Effect.gen(function* () {
    const { results, seconds } = run;
    const json = flags.grid
      ? {
        base: baseName,
        suite,
        variant,
        best: bestPerSuite(results),
        variants: results.map((r) => resultJson(r, suite, variant)),
        seconds,
      }
      : resultJson(results[0], suite, variant);
    const markdown = [
      `# sentemb evaluation: ${baseName}${
        flags.grid ? ` (grid of ${results.length})` : ""
      }`,
      ...(results.length > 1
        ? [bestMarkdown(results), comparisonMarkdown(results)]
        : []),
      ...results.map((r) => pipelineMarkdown(r, variant)),
      `Total: ${seconds.toFixed(1)} s; matrix products on ${gemmName}.`,
    ].join("\n\n");
    yield* emitResults(json, markdown, () => ({
      "report.html": reportHtml(results, {
        pipeline: baseName,
        suite,
        "STS text": variant,
        variants: String(results.length),
        "matrix products": gemmName,
        "total seconds": seconds.toFixed(1),
      }),
    }));
  });

/** Submits the grid's jobs (those never sent) and says how to work them. */
const queueSubmit = (
  url: string,
  variants: ReadonlyArray<GridVariant | { spec: PipelineSpec }>,
  grid: Parameters<typeof gridJobs>[1],
) =>
  Effect.gen(function* () {
    const q = yield* NatsQueue;
    const jobs = gridJobs(variants, grid);
    const sent = yield* queuePromise(url, () => submitEvalJobs(q, jobs));
    console.log(
      `submitted ${sent.published} jobs (${sent.skipped} sent before) of ` +
        `${variants.length} variants x ${jobs.length / variants.length} ` +
        `tasks to ${url}\n` +
        `run workers (any machine, as many as you like):\n` +
        `  deno task eval --worker --queue ${url}\n` +
        `then the report (same flags as this submit, plus --report):\n` +
        `  deno task eval ${
          Deno.args.filter((a) => a !== "--report").join(" ")
        } --report`,
    );
  }).pipe(Effect.provide(natsQueueLayer(url, EVAL_QUEUE_NAMES)));

const queuePromise = <A>(url: string, f: () => Promise<A>) =>
  Effect.tryPromise({
    try: f,
    catch: (e) =>
      e instanceof QueueError ? e : new QueueError({
        queue: url,
        reason: e instanceof Error ? e.message : String(e),
      }),
  });

/**
 * The progress of a submitted grid, and its results once every job is in
 * (undefined before).
 */
const queueReport = (
  url: string,
  variants: ReadonlyArray<GridVariant | { spec: PipelineSpec }>,
  grid: Parameters<typeof gridJobs>[1],
) =>
  Effect.gen(function* () {
    const q = yield* NatsQueue;
    const jobs = gridJobs(variants, grid);
    const keys = jobs.map((j) => j.key);
    const { states, results } = yield* queuePromise(url, async () => ({
      states: await Promise.all(keys.map((k) => getState(q.state, k))),
      results: await readResults(await openResults(q), keys),
    }));
    const failed = jobs.filter((_, i) => states[i]?.state === "failed");
    const unsent = states.filter((s) => s === undefined).length;
    console.error(
      `jobs: ${jobs.length}, ${results.size} done, ${failed.length} failed, ` +
        `${jobs.length - results.size - failed.length} to do` +
        (unsent > 0 ? ` (${unsent} never submitted)` : ""),
    );
    for (const j of failed) {
      const i = jobs.indexOf(j);
      console.error(`failed ${j.pipeline} ${j.task}: ${states[i]?.error}`);
    }
    const assembled = assembleResults(variants, grid, results);
    if (assembled === undefined) return undefined;
    return {
      results: assembled,
      seconds: assembled.reduce((t, r) => t + r.seconds, 0),
    };
  }).pipe(Effect.provide(natsQueueLayer(url, EVAL_QUEUE_NAMES)));

/** `--worker`: pulls jobs and scores them until stopped. */
const worker = Effect.gen(function* () {
  const url = flags.queue;
  if (url === undefined) {
    return yield* new BadConfig({
      subject: "--worker",
      reason: "needs --queue nats://HOST:PORT",
    });
  }
  const number = (name: string, value: string | undefined, d: number) =>
    value === undefined
      ? Effect.succeed(d)
      : Number(value) > 0
      ? Effect.succeed(Number(value))
      : Effect.fail(
        new BadConfig({
          subject: `--${name}`,
          reason: `"${value}" is not > 0`,
        }),
      );
  const concurrency = yield* number("concurrency", flags.concurrency, 1);
  const ackWait = yield* number("ack-wait", flags["ack-wait"], 60);
  const maxDeliver = yield* number("max-deliver", flags["max-deliver"], 3);
  const paths = yield* Paths;
  const gemm = yield* Effect.promise(loadGemm);
  const context = yield* Effect.context<Services>();
  const q = yield* NatsQueue;
  const stop = new AbortController();
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    Deno.addSignalListener(signal, () => stop.abort());
  }
  const summary = yield* queuePromise(url, async () =>
    runEvalWorker(q, {
      run: jobRunner(context, { dataDir: paths.data, gemm }),
      results: await openResults(q),
      concurrency: Math.floor(concurrency),
      ackWaitMs: ackWait * 1000,
      maxDeliver: Math.floor(maxDeliver),
      exitWhenEmpty: flags["exit-when-empty"] ?? false,
      signal: stop.signal,
      log: (line) => console.error(line),
    }));
  console.log(`worker: ${summary.jobs} jobs done, ${summary.dead} dead`);
}).pipe(
  Effect.provide(
    flags.queue === undefined
      ? Layer.empty as unknown as Layer.Layer<NatsQueue, QueueError>
      : natsQueueLayer(flags.queue, EVAL_QUEUE_NAMES),
  ),
);

// Hidden states go through the on-disk cache: grid variants share one
// forward pass, and a rerun skips the model.
const services = Layer.merge(
  ServicesFromEnv,
  cachedForwardLayer().pipe(Layer.provide(ServicesFromEnv)),
);
await runMain(flags.worker ? worker : program, services);
if (flags.worker) Deno.exit(0);
