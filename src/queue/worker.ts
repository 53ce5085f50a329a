import { Cause, Effect, Exit } from "effect";
import { embedStream } from "../io/embed_stream.ts";
import { emptyStats, type InputRecord } from "../io/record.ts";
import { type LanceTarget, lanceWriter } from "../io/write_lancedb.ts";
import type { EmbeddingWriter } from "../io/writer.ts";
import type { Embedder } from "../pipeline/embedder.ts";
import { type Chunk, chunkKey, readChunk } from "./chunk.ts";
import { type JobLoopOptions, runJobLoop } from "./job_loop.ts";
import { QUEUE_NAMES } from "./names.ts";
import type { NatsQueueShape } from "./nats_queue.ts";
import { QueueError } from "./queue_error.ts";

/** How a worker runs (its loop's options: see {@link JobLoopOptions}). */
export interface WorkerOptions extends JobLoopOptions {
  /** The one pipeline assembly, fitted: chunks of another hash are refused. */
  readonly embedder: Embedder;
  readonly target: LanceTarget;
}

/** What a worker did. */
export interface WorkerSummary {
  readonly chunks: number;
  readonly rows: number;
  readonly dead: number;
}

const runEffect = async <A, E>(effect: Effect.Effect<A, E>): Promise<A> => {
  const exit = await Effect.runPromiseExit(effect);
  if (Exit.isSuccess(exit)) return exit.value;
  const failure = exit.cause.reasons.find(Cause.isFailReason);
  throw failure ? failure.error : new Error(Cause.pretty(exit.cause));
};

const recordsOf = async function* (c: Chunk): AsyncGenerator<InputRecord> {
  for (let i = 0; i < c.ids.length; i++) {
    yield { id: c.ids[i], text: c.texts[i], line: i + 1 };
  }
};

/**
 * One chunk's view of the worker's table writer: its batches go to the one
 * open table (a connection per chunk cost more than a small chunk's write),
 * and closing it leaves the table open for the next chunk.
 */
const chunkWriter = (table: EmbeddingWriter): EmbeddingWriter => {
  let count = 0;
  return {
    write: async (records, embeddings) => {
      await table.write(records, embeddings);
      count += records.length;
    },
    close: () =>
      Promise.resolve({ count, dim: 0, dtype: "float32", files: [] }),
  };
};

/**
 * Embeds a chunk with the worker's pipeline and upserts it, keyed by
 * (id, pipeline hash): writing a chunk twice leaves the table as once.
 */
const embedChunk = async (
  o: WorkerOptions,
  table: EmbeddingWriter,
  c: Chunk,
): Promise<number> => {
  const e = o.embedder;
  const transformer = e.transformer !== undefined;
  const { summary } = await embedStream({
    reader: { records: recordsOf(c), stats: emptyStats() },
    embedBatch: (texts) => runEffect(e.embed(texts)),
    writer: chunkWriter(table),
    countTokens: transformer
      ? (t) => Math.max(1, e.countTokens([t])[0])
      : () => 1,
    maxTokens: transformer ? 8192 : 1024,
    maxRows: transformer ? 64 : 1024,
    padded: transformer,
  });
  return summary.count;
};

/**
 * Pulls chunks until stopped (or the stream is empty, with `exitWhenEmpty`).
 * Each is claimed (a lease in the state bucket, so no two workers write it
 * at once), embedded, upserted, marked done, and only then acked; progress
 * acks and lease renewals keep it while it runs. A failure naks it for a
 * later attempt; at the `maxDeliver`-th it goes to the dead letters with its
 * error. A chunk of another pipeline is nakked and the worker stops with a
 * {@link QueueError}: it never writes vectors of the wrong pipeline.
 */
export const runWorker = async (
  q: NatsQueueShape,
  o: WorkerOptions,
): Promise<WorkerSummary> => {
  // Open the table (LanceDB's native addon loads with it) and run the
  // embedder's code paths once before the first chunk, so the first one is
  // not slowed by them.
  const table = await lanceWriter(o.target, {
    provenance: { pipeline: o.embedder.spec.name, hash: o.embedder.hash },
    on: ["id", "hash"],
  });
  await runEffect(o.embedder.embed(["warm up"]));
  let rows = 0;
  const { done, dead } = await runJobLoop<Chunk>(q, {
    names: QUEUE_NAMES,
    decode: (m) => {
      const { chunk, error } = readChunk(m.string());
      if (chunk && chunk.hash !== o.embedder.hash) {
        return {
          refuse: new QueueError({
            queue: q.url,
            reason: `chunk ${chunk.seq} of ${chunk.source} is for pipeline ` +
              `${chunk.pipeline} (hash ${chunk.hash}); this worker runs ` +
              `${o.embedder.spec.name} (hash ${o.embedder.hash}): start the ` +
              `worker with --pipeline ${chunk.pipeline}`,
          }),
        };
      }
      return chunk === undefined ? { error: error! } : { job: chunk, error };
    },
    key: chunkKey,
    rows: (chunk) => chunk?.ids.length ?? 0,
    letter: (c) => ({ seq: c.seq, source: c.source, hash: c.hash }),
    name: (chunk) => `chunk ${chunk.seq}`,
    doing: "writing",
    handle: (chunk) => embedChunk(o, table, chunk),
    done: (_, n) => void (rows += n),
  }, o).finally(() => table.close());
  return { chunks: done, rows, dead };
};
