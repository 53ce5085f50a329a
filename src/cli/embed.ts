import { DEFAULT_PIPELINE } from "../../pipelines/mod.ts";
import { parseFlags } from "./args.ts";
import { runEmbed } from "./embed_command.ts";
import { MODEL_FLAGS, MODEL_USAGE } from "./model_recipe.ts";
import { runMain } from "./run_main.ts";

const USAGE =
  `Usage: deno task embed [--pipeline NAME|FILE | --model REF --recipe NAME] [--input FILE] [--output PATH]
         [--to lancedb://PATH/TABLE] [--format jsonl|npy|f32|parquet] [--input-format text|jsonl|csv|tsv]
         [--id-field F] [--text-field F] [--ids] [--text] [--normalize]
         [--dimensions K] [--max-chars N] [--over-length truncate|skip|fail]
         [--skip-invalid] [--fit-sample N]

Streams sentences (stdin unless --input) through a pipeline, batch by batch,
in bounded memory, and writes each batch as it is done.
  --pipeline      a name from \`deno task pipelines\`, or your own pipeline
                  file (.json or .ts; FILE#NAME picks one of several)
  --input         the input file (default stdin); its format from its
                  extension (.jsonl/.ndjson, .csv, .tsv, else text), or
  --input-format  text (one sentence a line; id = line number), jsonl, csv, tsv
  --id-field F    the JSONL field / CSV column of the id (default: line number)
  --text-field F  the JSONL field / CSV column of the text (default "text")
  --output PATH   the output file (default stdout, JSONL only)
  --format        jsonl (default), npy, f32 (raw rows + PATH.json sidecar),
                  parquet; default from the --output extension
  --to lancedb://PATH/TABLE  upsert into a LanceDB table by id instead (the
                  pipeline and its hash as columns; search it with
                  \`deno task search\`)
  --text          write each text too (JSONL: on unless --format is given;
                  parquet: a text column)
  --ids           npy/f32: also write the ids, one a line, to PATH.ids.txt
  --normalize     scale each row to unit length (float pipelines)
  --dimensions K  the first K components (renormalised if the pipeline's are)
  --max-chars N   cap per sentence, in UTF-16 code units (default 65536)
  --over-length   what to do over the cap: truncate, skip, fail (default)
  --skip-invalid  skip lines that are not valid UTF-8 instead of failing
A transductive pipeline (statistics fitted on the input) reads --input twice
and refuses stdin; its first pass keeps a uniform sample of at most
--fit-sample sentences (default 100000; all of them when there are no more). A broken pipe (| head) ends quietly with status 0.
${MODEL_USAGE}
Default pipeline: ${DEFAULT_PIPELINE} (offline, no download).`;

const flags = parseFlags(Deno.args, {
  pipeline: { type: "string" },
  input: { type: "string" },
  output: { type: "string" },
  to: { type: "string" },
  format: { type: "string" },
  "input-format": { type: "string" },
  "id-field": { type: "string" },
  "text-field": { type: "string" },
  ids: { type: "boolean" },
  text: { type: "boolean" },
  normalize: { type: "boolean" },
  dimensions: { type: "string" },
  "max-chars": { type: "string" },
  "over-length": { type: "string" },
  "skip-invalid": { type: "boolean" },
  "fit-sample": { type: "string" },
  help: { type: "boolean" },
  ...MODEL_FLAGS,
}, USAGE);

const usageError = (message: string): never => {
  console.error(`${message}\n\n${USAGE}`);
  Deno.exit(2);
};

const positiveInt = (name: string, value?: string): number | undefined => {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    return usageError(`--${name} must be a positive integer, got "${value}"`);
  }
  return n;
};

const oneOf = <T extends string>(
  name: string,
  allowed: ReadonlyArray<T>,
  value?: string,
): T | undefined => {
  if (value === undefined) return undefined;
  if (!(allowed as ReadonlyArray<string>).includes(value)) {
    return usageError(
      `--${name} must be one of ${allowed.join(", ")}, got "${value}"`,
    );
  }
  return value as T;
};

await runMain(runEmbed({
  pipeline: flags.pipeline ?? DEFAULT_PIPELINE,
  input: flags.input,
  output: flags.output,
  to: flags.to,
  format: oneOf("format", ["jsonl", "npy", "f32", "parquet"], flags.format),
  inputFormat: oneOf(
    "input-format",
    ["text", "jsonl", "csv", "tsv"],
    flags["input-format"],
  ),
  idField: flags["id-field"],
  textField: flags["text-field"],
  ids: flags.ids ?? false,
  text: flags.text,
  normalize: flags.normalize ?? false,
  dimensions: positiveInt("dimensions", flags.dimensions),
  maxChars: positiveInt("max-chars", flags["max-chars"]),
  overLength: oneOf(
    "over-length",
    ["truncate", "skip", "fail"],
    flags["over-length"],
  ),
  skipInvalid: flags["skip-invalid"] ?? false,
  fitSample: positiveInt("fit-sample", flags["fit-sample"]),
  model: flags,
}));
