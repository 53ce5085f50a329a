import { Cause, Effect, Exit } from "effect";
import { dirname } from "node:path";
import { BadConfig, DataError, EmptyInput } from "../errors.ts";
import { batchByTokens } from "../io/batch_tokens.ts";
import { countBytes, progressReporter } from "../io/progress.ts";
import {
  type InputFormat,
  openInput,
  readRecords,
  type RecordsOptions,
} from "../io/read_records.ts";
import { formatFromPath } from "../io/read_records.ts";
import { reservoir } from "../io/reservoir.ts";
import type { InputRecord, ReadStats, TooLongPolicy } from "../io/record.ts";
import { stdoutSink, stopQuietlyWhenOutputCloses } from "../io/sink.ts";
import { fileSink } from "../io/sink.ts";
import { f32Writer } from "../io/write_f32.ts";
import { jsonlWriter } from "../io/write_jsonl.ts";
import { npyWriter } from "../io/write_npy.ts";
import { parquetWriter } from "../io/write_parquet.ts";
import { lanceWriter, parseLanceTarget } from "../io/write_lancedb.ts";
import type {
  Dtype,
  EmbeddingWriter,
  RowData,
  WriteSummary,
} from "../io/writer.ts";
import { seededRandom } from "../eval/seeded_random.ts";
import { statisticsOf } from "../pipeline/describe.ts";
import type { Embedder } from "../pipeline/embedder.ts";
import { loadPipeline } from "../pipeline/load.ts";
import { userPath } from "../pipeline/pipeline_source.ts";
import type { Tokenized } from "../tokenize/tokenized.ts";
import { type ModelFlags, pipelineOrRecipe } from "./model_recipe.ts";
import { pipelineFlag, withArtifactsBeside } from "./pipeline_flag.ts";

/** The output formats of `deno task embed`. */
export type OutputFormat = "jsonl" | "npy" | "f32" | "parquet";

/** What `deno task embed` was asked, flags parsed. */
export interface EmbedCommand {
  readonly pipeline: string;
  /** `--model REF --recipe NAME` instead of `--pipeline`. */
  readonly model?: ModelFlags;
  readonly input?: string;
  readonly output?: string;
  /** `lancedb://PATH/TABLE`: upsert into a LanceDB table instead. */
  readonly to?: string;
  readonly format?: OutputFormat;
  readonly inputFormat?: InputFormat;
  readonly idField?: string;
  readonly textField?: string;
  readonly ids: boolean;
  /** Write texts; undefined: only for plain `embed` to stdout (the old output). */
  readonly text?: boolean;
  readonly normalize: boolean;
  readonly dimensions?: number;
  readonly maxChars?: number;
  readonly overLength?: TooLongPolicy;
  readonly skipInvalid: boolean;
  /**
   * A transductive pipeline's first pass fits on a uniform sample of at
   * most this many input sentences (default {@link FIT_SAMPLE}); all of
   * them when the input has no more.
   */
  readonly fitSample?: number;
  /** Rows per batch; default 1,024 (64 for a transformer). */
  readonly maxRows?: number;
  /** Tokens per batch; default 65,536 (8,192 padded for a transformer). */
  readonly maxTokens?: number;
}

/** The output format asked for, else the one `path`'s extension names. */
export const outputFormatOf = (
  format: OutputFormat | undefined,
  path: string | undefined,
): OutputFormat => {
  if (format !== undefined) return format;
  const ext = path?.toLowerCase().match(/\.([a-z0-9]+)$/)?.[1];
  return ext === "npy" || ext === "f32" || ext === "parquet" ? ext : "jsonl";
};

/** An error from the streaming layer as a typed failure of the command. */
const asFailure = (source: string) => (e: unknown): unknown => {
  if (typeof e === "object" && e !== null && "_tag" in e) return e;
  return new DataError({
    path: source,
    reason: e instanceof Error ? e.message : String(e),
  });
};

/** Runs an effect that needs nothing, rejecting with its typed failure. */
const run = async <A, E>(effect: Effect.Effect<A, E>): Promise<A> => {
  const exit = await Effect.runPromiseExit(effect);
  if (Exit.isSuccess(exit)) return exit.value;
  const failure = exit.cause.reasons.find(Cause.isFailReason);
  throw failure ? failure.error : new Error(Cause.pretty(exit.cause));
};

/** Checks that `path` can be written before any work starts. */
const checkWritable = (path: string) =>
  Effect.tryPromise({
    try: async () => {
      const info = await Deno.stat(dirname(path)).catch(() => undefined);
      if (!info?.isDirectory) throw new Error(`${dirname(path)} is no folder`);
      const file = await Deno.open(path, { write: true, create: true });
      file.close();
    },
    catch: (e) =>
      new DataError({
        path,
        reason: `cannot be written: ${(e as Error).message}`,
      }),
  });

/** Rows in the pipeline's precision (quantized pipelines compute integers in float32). */
const toPrecision = (data: Float32Array, dtype: Dtype): RowData =>
  dtype === "int8"
    ? Int8Array.from(data)
    : dtype === "uint8"
    ? Uint8Array.from(data)
    : data;

/** Scales each row of `data` to unit length, in place (zero rows stay zero). */
const normalizeRows = (data: Float32Array, dim: number): void => {
  for (let at = 0; at < data.length; at += dim) {
    let s = 0;
    for (let j = at; j < at + dim; j++) s += data[j] * data[j];
    if (s === 0) continue;
    const k = 1 / Math.sqrt(s);
    for (let j = at; j < at + dim; j++) data[j] *= k;
  }
};

const openWriter = async (
  cmd: EmbedCommand,
  format: OutputFormat,
  embedder: Embedder,
): Promise<EmbeddingWriter> => {
  const provenance = { pipeline: embedder.spec.name, hash: embedder.hash };
  if (cmd.to !== undefined) {
    const target = parseLanceTarget(cmd.to)!;
    return lanceWriter(
      { db: userPath(target.db), table: target.table },
      { provenance, includeText: cmd.text ?? false, soleWriter: true },
    );
  }
  const includeText = cmd.text ??
    (cmd.format === undefined && cmd.output === undefined);
  const path = cmd.output === undefined ? undefined : userPath(cmd.output);
  const dtype = embedder.precision;
  switch (format) {
    case "jsonl":
      return path === undefined
        ? jsonlWriter(stdoutSink(), { includeText })
        : jsonlWriter(await fileSink(path), { includeText, path });
    case "npy":
      return npyWriter(path!, { provenance, ids: cmd.ids, dtype });
    case "f32":
      return f32Writer(path!, { provenance, ids: cmd.ids, dtype });
    case "parquet":
      return parquetWriter(path!, {
        includeText: cmd.text ?? false,
        dtype,
        metadata: { pipeline: provenance.pipeline, hash: provenance.hash },
      });
  }
};

const recordsOptions = (
  cmd: EmbedCommand,
  source: string,
): RecordsOptions => ({
  format: cmd.inputFormat ??
    (cmd.input === undefined ? "text" : formatFromPath(cmd.input)),
  source,
  skipInvalid: cmd.skipInvalid,
  ...(cmd.maxChars === undefined ? {} : { maxChars: cmd.maxChars }),
  ...(cmd.overLength === undefined ? {} : { onTooLong: cmd.overLength }),
  ...(cmd.idField === undefined ? {} : { idField: cmd.idField }),
  ...(cmd.textField === undefined ? {} : { textField: cmd.textField }),
});

/** The default cap on a transductive pipeline's first-pass sample. */
export const FIT_SAMPLE = 100_000;

/**
 * A transductive pipeline's first pass: a uniform sample (seeded, so a
 * re-run fits the same statistics) of at most `capacity` of the file's
 * texts, in file order, and how many the file holds. Memory is the sample,
 * whatever the file's size.
 */
const sampleTexts = async (
  path: string,
  options: RecordsOptions,
  capacity: number,
): Promise<{ texts: string[]; total: number }> => {
  const input = await openInput(path);
  const sample = reservoir<string>(capacity, seededRandom(FIT_SEED));
  for await (const r of readRecords(input.stream, options).records) {
    sample.offer(r.text);
  }
  return { texts: sample.sample(), total: sample.seen() };
};
const FIT_SEED = 20_161;

/** What was skipped or cut, for stderr; empty when nothing was. */
export const skippedNote = (stats: ReadStats): string => {
  const parts = [
    stats.invalidUtf8 > 0 ? `${stats.invalidUtf8} invalid UTF-8` : "",
    stats.tooLong > 0 ? `${stats.tooLong} over-long skipped` : "",
    stats.truncated > 0 ? `${stats.truncated} over-long truncated` : "",
  ].filter((p) => p !== "");
  return parts.length === 0 ? "" : `embed: ${parts.join(", ")} (lines)`;
};

/**
 * Reads, batches by the embedder's own token counts, embeds and writes,
 * one batch at a time: memory stays bounded by a batch whatever the input.
 */
const stream = async (
  cmd: EmbedCommand,
  embedder: Embedder,
  writer: EmbeddingWriter,
): Promise<{ summary: WriteSummary; stats: ReadStats }> => {
  const path = cmd.input === undefined ? undefined : userPath(cmd.input);
  const input = await openInput(path);
  let bytes = 0;
  const reader = readRecords(
    countBytes(input.stream, (n) => bytes = n),
    recordsOptions(cmd, input.source),
  );
  const progress = progressReporter(
    input.size === undefined ? {} : { totalBytes: input.size },
  );
  const embedOptions = cmd.dimensions === undefined
    ? {}
    : { dimensions: cmd.dimensions };
  // Each record is tokenized once: its count batches it, its tokens embed it.
  let last: Tokenized | undefined;
  async function* tokenized(): AsyncGenerator<
    InputRecord & { readonly tokens: Tokenized }
  > {
    for await (const r of reader.records) {
      last = embedder.tokenize([r.text], embedOptions)[0];
      yield { ...r, tokens: last };
    }
  }
  const transformer = embedder.transformer !== undefined;
  let done = 0;
  try {
    for await (
      const batch of batchByTokens(tokenized(), {
        countTokens: () => Math.max(1, last!.ids.length),
        maxTokens: cmd.maxTokens ?? (transformer ? 8192 : 65_536),
        maxRows: cmd.maxRows ?? (transformer ? 64 : 1024),
        padded: transformer,
      })
    ) {
      const e = await run(
        embedder.embedTokens(batch.map((r) => r.tokens), embedOptions),
      );
      if (cmd.normalize) normalizeRows(e.data, e.dim);
      await writer.write(batch, {
        rows: e.rows,
        dim: e.dim,
        data: toPrecision(e.data, embedder.precision),
      });
      done += batch.length;
      progress.update(done, bytes);
    }
  } catch (e) {
    await writer.close().catch(() => {});
    progress.finish();
    throw e;
  }
  const summary = await writer.close();
  progress.finish();
  return { summary, stats: reader.stats };
};

/** `deno task embed`: the whole command, as one effect. */
export const runEmbed = (cmd: EmbedCommand) =>
  Effect.gen(function* () {
    const format = outputFormatOf(cmd.format, cmd.output);
    if (cmd.to !== undefined) {
      const target = parseLanceTarget(cmd.to);
      if (target === undefined || cmd.output !== undefined) {
        return yield* new BadConfig({
          subject: `--to ${cmd.to}`,
          reason: target === undefined
            ? "give lancedb://PATH/TABLE (a database folder and a table name)"
            : "write either --to or --output, not both",
        });
      }
      const db = userPath(target.db);
      yield* Effect.tryPromise({
        try: () => Deno.mkdir(db, { recursive: true }),
        catch: (e) =>
          new DataError({
            path: db,
            reason: `cannot be written: ${(e as Error).message}`,
          }),
      });
    } else if (format !== "jsonl" && cmd.output === undefined) {
      return yield* new BadConfig({
        subject: `--format ${format}`,
        reason: "it writes a file: give --output PATH",
      });
    }
    if (cmd.output !== undefined) yield* checkWritable(userPath(cmd.output));
    const sourced = cmd.model
      ? yield* pipelineOrRecipe(
        { ...cmd.model, pipeline: cmd.pipeline },
        cmd.pipeline,
      )
      : yield* pipelineFlag(cmd.pipeline);
    const source = cmd.input ?? "stdin";
    const embedder = yield* withArtifactsBeside([sourced])(
      Effect.gen(function* () {
        const pipeline = yield* loadPipeline(sourced.spec);
        if (statisticsOf(pipeline.plan) !== "transductive") {
          return yield* pipeline.fit([]);
        }
        if (cmd.input === undefined || cmd.input === "-") {
          return yield* new BadConfig({
            subject: `--pipeline ${cmd.pipeline}`,
            reason: "its statistics are fitted on the input, which needs " +
              "two passes: give the input as a file (--input FILE), or fit " +
              "it on your collection first (`deno task fit --pipeline " +
              `${cmd.pipeline} --corpus FILE --name NAME\`) and embed with ` +
              "--pipeline NAME.json",
          });
        }
        const { texts, total } = yield* Effect.tryPromise({
          try: () =>
            sampleTexts(
              userPath(cmd.input!),
              recordsOptions(cmd, source),
              cmd.fitSample ?? FIT_SAMPLE,
            ),
          catch: asFailure(source),
        });
        if (texts.length === 0) {
          return yield* new EmptyInput({ reason: `no sentences in ${source}` });
        }
        if (texts.length < total) {
          yield* Effect.sync(() =>
            console.error(
              `embed: statistics fitted on a uniform sample of ` +
                `${texts.length.toLocaleString("en-US")} of ` +
                `${total.toLocaleString("en-US")} sentences (--fit-sample N)`,
            )
          );
        }
        return yield* pipeline.fit(texts);
      }),
    );
    if (cmd.normalize && embedder.precision !== "float32") {
      return yield* new BadConfig({
        subject: "--normalize",
        reason: `${embedder.spec.name} writes ${embedder.precision} values`,
      });
    }
    const result = yield* Effect.tryPromise({
      try: () =>
        stopQuietlyWhenOutputCloses(async () => {
          const writer = await openWriter(cmd, format, embedder);
          return stream(cmd, embedder, writer);
        }),
      catch: asFailure(source),
    });
    // The reader of stdout went away (`| head`): a quiet success.
    if (result === undefined) return;
    const note = skippedNote(result.stats);
    if (note !== "") console.error(note);
    if (result.summary.count === 0) {
      return yield* new EmptyInput({ reason: `no sentences in ${source}` });
    }
  });
