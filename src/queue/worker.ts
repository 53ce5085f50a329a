import { Cause, Effect, Exit } from "effect";
import { AckPolicy, type JsMsg } from "@nats-io/jetstream";
import { embedStream } from "../io/embed_stream.ts";
import { emptyStats, type InputRecord } from "../io/record.ts";
import { type LanceTarget, lanceWriter } from "../io/write_lancedb.ts";
import type { Embedder } from "../pipeline/embedder.ts";
import { type Chunk, chunkKey, readChunk } from "./chunk.ts";
import { putState } from "./chunk_state.ts";
import { deadLetter } from "./dead_letter.ts";
import { QUEUE_NAMES } from "./names.ts";
import type { NatsQueueShape } from "./nats_queue.ts";
import { QueueError } from "./queue_error.ts";

/** How a worker runs. */
export interface WorkerOptions {
  /** The one pipeline assembly, fitted: chunks of another hash are refused. */
  readonly embedder: Embedder;
  readonly target: LanceTarget;
  /** Chunks in flight at once (embedding one while another is written). */
  readonly concurrency: number;
  /** How long JetStream waits for an ack before redelivering (ms). */
  readonly ackWaitMs: number;
  /** Deliveries before a chunk goes to the dead letters. */
  readonly maxDeliver: number;
  /** Stop when the work stream is empty (nothing pending, nothing unacked). */
  readonly exitWhenEmpty?: boolean;
  /** Aborted (SIGTERM): take no more chunks, finish the current ones. */
  readonly signal?: AbortSignal;
  readonly log?: (line: string) => void;
}

/** What a worker did. */
export interface WorkerSummary {
  readonly chunks: number;
  readonly rows: number;
  readonly dead: number;
}

const nanos = (ms: number) => ms * 1_000_000;

/** Makes the shared durable consumer, or sets its ack wait. */
const ensureConsumer = async (q: NatsQueueShape, ackWaitMs: number) => {
  const config = {
    durable_name: QUEUE_NAMES.consumer,
    ack_policy: AckPolicy.Explicit,
    ack_wait: nanos(ackWaitMs),
    // Deliveries are counted by the workers, which dead-letter the chunk
    // with its error; the server's own limit would strand it instead.
    max_deliver: -1,
    filter_subject: QUEUE_NAMES.subject,
  };
  try {
    await q.jsm.consumers.add(QUEUE_NAMES.stream, config);
  } catch {
    await q.jsm.consumers.update(QUEUE_NAMES.stream, QUEUE_NAMES.consumer, {
      ack_wait: config.ack_wait,
    });
  }
  return q.js.consumers.get(QUEUE_NAMES.stream, QUEUE_NAMES.consumer);
};

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

const message = (e: unknown) => e instanceof Error ? e.message : String(e);

/**
 * Pulls chunks until stopped (or the stream is empty, with `exitWhenEmpty`):
 * each is embedded, upserted, marked done in the state bucket, and only then
 * acked, with progress acks while it runs. A failure naks it for a later
 * delivery; at the `maxDeliver`-th it goes to the dead letters with its
 * error. A chunk of another pipeline is nakked and the worker stops with a
 * {@link QueueError}: it never writes vectors of the wrong pipeline.
 */
export const runWorker = async (
  q: NatsQueueShape,
  o: WorkerOptions,
): Promise<WorkerSummary> => {
  const log = o.log ?? (() => {});
  const consumer = await ensureConsumer(q, o.ackWaitMs);
  let chunks = 0, rows = 0, dead = 0;
  let refused: QueueError | undefined;
  const stopped = () => o.signal?.aborted === true || refused !== undefined;

  const handle = async (m: JsMsg) => {
    const deliveries = m.info.deliveryCount;
    const read = readChunk(m.string());
    const chunk = typeof read === "string" ? undefined : read;
    if (chunk && chunk.hash !== o.embedder.hash) {
      m.nak();
      refused = new QueueError({
        queue: q.url,
        reason: `chunk ${chunk.seq} of ${chunk.source} is for pipeline ` +
          `${chunk.pipeline} (hash ${chunk.hash}); this worker runs ` +
          `${o.embedder.spec.name} (hash ${o.embedder.hash}): start the ` +
          `worker with --pipeline ${chunk.pipeline}`,
      });
      return;
    }
    let error = typeof read === "string" ? read : undefined;
    if (chunk && deliveries > o.maxDeliver) {
      error = `delivered ${deliveries} times without an ack (workers died ` +
        `on it or overran the ack wait)`;
    } else if (chunk) {
      const beat = setInterval(() => m.working(), o.ackWaitMs / 3);
      try {
        const n = await embedChunk(o, chunk);
        await putState(q.state, chunkKey(chunk), {
          state: "done",
          rows: n,
          at: Date.now(),
        });
        await m.ackAck();
        chunks++;
        rows += n;
        return;
      } catch (e) {
        error = message(e);
      } finally {
        clearInterval(beat);
      }
    }
    if (deliveries >= o.maxDeliver) {
      const letter = await deadLetter(q, m, chunk, error!);
      dead++;
      log(`dead letter ${letter.key} after ${deliveries} deliveries: ${error}`);
    } else {
      m.nak(Math.min(5000, 250 * deliveries));
    }
  };

  const loop = async () => {
    while (!stopped()) {
      const m = await consumer.next({ expires: 1000 });
      if (m === null) {
        if (o.exitWhenEmpty) {
          const info = await q.jsm.streams.info(QUEUE_NAMES.stream);
          if (info.state.messages === 0) return;
        }
        continue;
      }
      // Stopped while waiting: hand it back at once.
      if (stopped()) {
        m.nak();
        return;
      }
      await handle(m);
    }
  };
  await Promise.all(Array.from({ length: o.concurrency }, loop));
  if (refused) throw refused;
  return { chunks, rows, dead };
};
