import { Cause, Effect, Exit } from "effect";
import { AckPolicy, type JsMsg } from "@nats-io/jetstream";
import { embedStream } from "../io/embed_stream.ts";
import { emptyStats, type InputRecord } from "../io/record.ts";
import {
  type LanceTarget,
  lanceWriter,
  openLanceTable,
} from "../io/write_lancedb.ts";
import type { Embedder } from "../pipeline/embedder.ts";
import { type Chunk, chunkKey, readChunk } from "./chunk.ts";
import { putState, readState, swapState } from "./chunk_state.ts";
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
  /**
   * Failed attempts (an error, or a worker that died or stalled holding the
   * chunk's lease) before it goes to the dead letters.
   */
  readonly maxDeliver: number;
  /**
   * How long a worker's write lease on a chunk lasts unrenewed (ms): another
   * worker handed the chunk waits this long for a silent holder before it
   * takes over. Default twice the ack wait.
   */
  readonly leaseMs?: number;
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
    // Failed attempts are counted by the workers (in the state bucket),
    // which dead-letter the chunk with its error; the server's own limit
    // would strand it in the stream instead.
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
  const log = o.log ?? (() => {});
  const leaseMs = o.leaseMs ?? 2 * o.ackWaitMs;
  const me = `${Deno.hostname()}:${Deno.pid}`;
  // Load LanceDB's native addon and the embedder's code paths before the
  // first chunk, so the first one is not slowed by them.
  (await openLanceTable(o.target))?.close();
  await runEffect(o.embedder.embed(["warm up"]));
  const consumer = await ensureConsumer(q, o.ackWaitMs);
  let chunks = 0, rows = 0, dead = 0;
  let refused: QueueError | undefined;
  const stopped = () => o.signal?.aborted === true || refused !== undefined;
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  const toDead = async (m: JsMsg, chunk: Chunk | undefined, error: string) => {
    const letter = await deadLetter(q, m, chunk, error);
    dead++;
    log(`dead letter ${letter.key}: ${error}`);
  };

  /** A failed attempt: counted in the state, dead-lettered at the last. */
  const failed = async (m: JsMsg, chunk: Chunk, error: string) => {
    const key = chunkKey(chunk);
    for (;;) {
      const { state, revision } = await readState(q.state, key);
      const failures = (state?.failures ?? 0) + 1;
      if (failures >= o.maxDeliver) return toDead(m, chunk, error);
      const ok = await swapState(q.state, key, revision, {
        state: "submitted",
        rows: chunk.ids.length,
        at: Date.now(),
        failures,
        error,
      });
      if (ok !== undefined) {
        log(`chunk ${chunk.seq} failed (attempt ${failures}): ${error}`);
        m.nak(Math.min(5000, 250 * failures));
        return;
      }
    }
  };

  /**
   * Takes the chunk's lease: its revision; "done" when it is written
   * already; "dead" when it went to the dead letters; "handled" when it
   * just sent it there; undefined when the worker stopped while waiting for
   * a live holder.
   */
  const claim = async (
    m: JsMsg,
    chunk: Chunk,
  ): Promise<number | "done" | "dead" | "handled" | undefined> => {
    const key = chunkKey(chunk);
    for (;;) {
      const { state, revision } = await readState(q.state, key);
      if (state?.state === "done") return "done";
      if (state?.state === "failed") return "dead";
      const now = Date.now();
      if (state?.state === "writing" && state.until! > now) {
        // Another worker holds it and is alive: wait, keeping our delivery.
        if (stopped()) return undefined;
        m.working();
        await sleep(Math.min(500, state.until! - now));
        continue;
      }
      let failures = state?.failures ?? 0, error = state?.error;
      if (state?.state === "writing") {
        failures++;
        error = `worker ${state.by} died or stalled writing it`;
        if (failures >= o.maxDeliver) {
          await toDead(m, chunk, error);
          return "handled";
        }
      }
      const got = await swapState(q.state, key, revision, {
        state: "writing",
        rows: chunk.ids.length,
        at: now,
        by: me,
        until: now + leaseMs,
        failures,
        ...(error === undefined ? {} : { error }),
      });
      if (got !== undefined) return got;
    }
  };

  const handle = async (m: JsMsg) => {
    const deliveries = m.info.deliveryCount;
    const { chunk, error } = readChunk(m.string());
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
    if (chunk === undefined) {
      // No chunk to key a state by: its deliveries count the attempts.
      if (deliveries >= o.maxDeliver) await toDead(m, undefined, error!);
      else m.nak(250 * deliveries);
      return;
    }
    if (error !== undefined) return failed(m, chunk, error);
    const lease = await claim(m, chunk);
    if (lease === undefined) return m.nak();
    if (lease === "handled") return;
    if (lease === "done" || lease === "dead") return void await m.ackAck();
    let revision = lease;
    const key = chunkKey(chunk);
    const beat = setInterval(() => {
      m.working();
      const now = Date.now();
      swapState(q.state, key, revision, {
        state: "writing",
        rows: chunk.ids.length,
        at: now,
        by: me,
        until: now + leaseMs,
      }).then((r) => {
        if (r !== undefined) revision = r;
      });
    }, Math.min(o.ackWaitMs, leaseMs) / 3);
    try {
      const n = await embedChunk(o, chunk);
      clearInterval(beat);
      await putState(q.state, key, {
        state: "done",
        rows: n,
        at: Date.now(),
      });
      await m.ackAck();
      chunks++;
      rows += n;
    } catch (e) {
      clearInterval(beat);
      await failed(m, chunk, message(e));
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
