import { Cause, Effect, Exit } from "effect";
import { embedStream } from "../io/embed_stream.ts";
import { emptyStats, type InputRecord } from "../io/record.ts";
import {
  type LanceTarget,
  lanceWriter,
  openLanceTable,
} from "../io/write_lancedb.ts";
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
 * Embeds a chunk with the worker's pipeline and upserts it, keyed by
 * (id, pipeline hash): writing a chunk twice leaves the table as once.
 */
const embedChunk = async (o: WorkerOptions, c: Chunk): Promise<number> => {
  const e = o.embedder;
  const transformer = e.transformer !== undefined;
  const { summary } = await embedStream({
    reader: { records: recordsOf(c), stats: emptyStats() },
    embedBatch: (texts) => runEffect(e.embed(texts)),
    writer: await lanceWriter(o.target, {
      provenance: { pipeline: e.spec.name, hash: e.hash },
      on: ["id", "hash"],
    }),
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
  // Load LanceDB's native addon and the embedder's code paths before the
  // first chunk, so the first one is not slowed by them.
  (await openLanceTable(o.target))?.close();
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
    handle: (chunk) => embedChunk(o, chunk),
    done: (_, n) => void (rows += n),
  }, o);
  return { chunks: done, rows, dead };
};
