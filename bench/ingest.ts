import { Effect } from "effect";
import { DEFAULT_PIPELINE } from "../pipelines/mod.ts";
import { parseFlags } from "../src/cli/args.ts";
import { runMain } from "../src/cli/run_main.ts";
import { loadGeneralCorpus } from "../src/corpus/general_corpus.ts";
import { BadConfig } from "../src/errors.ts";
import { Paths } from "../src/paths.ts";
import { hasTime, runMeasured } from "./peak_rss.ts";

const USAGE =
  `Usage: deno task bench:ingest [--sentences N] [--pipeline NAME|FILE]
                            [--format npy|f32|jsonl|parquet | --lancedb] [--dimensions K] [--json] [--keep]

Ingest benchmark: N sentences of the general corpus (Wikipedia, then
WikiText-2; repeated as needed) written one a line to .cache/ingest/, then
streamed through \`deno task embed --input ... --output ...\` as a child
process. Reports sentences/s (the child's wall time: load, read, embed,
write) and the child's peak RSS (/usr/bin/time -v where present, else its
VmHWM polled). Default: 1,000,000 sentences, ${DEFAULT_PIPELINE}, npy.
--lancedb writes into a LanceDB table (embed --to lancedb://…) instead.
--keep leaves the input and output files in .cache/ingest/.`;

const flags = parseFlags(Deno.args, {
  sentences: { type: "string" },
  pipeline: { type: "string" },
  format: { type: "string" },
  dimensions: { type: "string" },
  json: { type: "boolean" },
  keep: { type: "boolean" },
  lancedb: { type: "boolean" },
  help: { type: "boolean" },
}, USAGE);

const root = new URL("../", import.meta.url).pathname;
const DIR = `${root}.cache/ingest`;

/** Writes `n` lines cycling through `sentences`, in chunks. */
const writeInput = async (path: string, sentences: string[], n: number) => {
  const file = await Deno.open(path, {
    write: true,
    create: true,
    truncate: true,
  });
  const encoder = new TextEncoder();
  let bytes = 0;
  try {
    for (let from = 0; from < n; from += 10_000) {
      let chunk = "";
      for (let i = from; i < Math.min(n, from + 10_000); i++) {
        chunk += sentences[i % sentences.length].replace(/\s+/g, " ") + "\n";
      }
      const b = encoder.encode(chunk);
      bytes += b.length;
      for (let at = 0; at < b.length;) at += await file.write(b.subarray(at));
    }
  } finally {
    file.close();
  }
  return bytes;
};

/** Runs embed as a child: its wall seconds and peak RSS in MiB. */
const runEmbed = (args: string[]) =>
  runMeasured(
    [
      Deno.execPath(),
      "run",
      "--allow-read",
      "--allow-env",
      "--allow-write",
      "--allow-sys",
      "--allow-ffi",
      `${root}src/cli/embed.ts`,
      ...args,
    ],
    root,
    200,
  );

/** Bytes of a file, or of every file under a folder (a LanceDB dataset). */
const treeBytes = async (path: string): Promise<number> => {
  const info = await Deno.stat(path);
  if (!info.isDirectory) return info.size;
  let total = 0;
  for await (const e of Deno.readDir(path)) {
    total += await treeBytes(`${path}/${e.name}`);
  }
  return total;
};

const program = Effect.gen(function* () {
  const n = Number(flags.sentences ?? 1_000_000);
  if (!Number.isInteger(n) || n < 1) {
    return yield* new BadConfig({
      subject: "--sentences",
      reason: `"${flags.sentences}" is not a positive integer`,
    });
  }
  const format = flags.lancedb ? "lancedb" : flags.format ?? "npy";
  const pipeline = flags.pipeline ?? DEFAULT_PIPELINE;
  const paths = yield* Paths;
  const corpus = yield* loadGeneralCorpus(paths.data, Math.min(n, 200_000));
  yield* Effect.promise(() => Deno.mkdir(DIR, { recursive: true }));
  const input = `${DIR}/input.txt`;
  const output = `${DIR}/output.${format}`;
  const target = flags.lancedb
    ? ["--to", `lancedb://${output}/ingest`]
    : ["--output", output, "--format", format];
  const inputBytes = yield* Effect.promise(() => writeInput(input, corpus, n));
  const r = yield* Effect.promise(() =>
    runEmbed([
      "--pipeline",
      pipeline,
      "--input",
      input,
      ...target,
      ...(flags.dimensions ? ["--dimensions", flags.dimensions] : []),
    ])
  );
  if (r.code !== 0) {
    return yield* new BadConfig({
      subject: "deno task embed",
      reason: `exited ${r.code}: ${r.stderr.trim().split("\n").at(-1)}`,
    });
  }
  const outputBytes = yield* Effect.promise(() => treeBytes(output));
  if (!flags.keep) {
    yield* Effect.promise(() => Deno.remove(DIR, { recursive: true }));
  }
  const result = {
    pipeline,
    format,
    sentences: n,
    distinctSentences: corpus.length,
    inputMB: inputBytes / 1e6,
    outputMB: outputBytes / 1e6,
    seconds: r.seconds,
    sentencesPerSecond: n / r.seconds,
    peakRssMiB: r.peakMb,
    peakMeasuredBy: hasTime ? "/usr/bin/time -v" : "VmHWM polled",
    cpus: navigator.hardwareConcurrency,
  };
  console.log(
    flags.json ? JSON.stringify(result) : [
      `ingest: ${n.toLocaleString("en-US")} sentences (${
        corpus.length.toLocaleString("en-US")
      } distinct) of the general corpus, ${pipeline}, ${format}`,
      `  ${
        Math.round(result.sentencesPerSecond).toLocaleString("en-US")
      } sentences/s (${r.seconds.toFixed(1)} s wall, input ${
        result.inputMB.toFixed(0)
      } MB, output ${result.outputMB.toFixed(0)} MB)`,
      `  peak RSS ${r.peakMb.toFixed(0)} MiB (${result.peakMeasuredBy})`,
    ].join("\n"),
  );
});

await runMain(program);
