import { AckPolicy, type JsMsg } from "@nats-io/jetstream";
import { putState, readState, swapState } from "./chunk_state.ts";
import { deadLetter } from "./dead_letter.ts";
import type { QueueNames } from "./names.ts";
import type { NatsQueueShape } from "./nats_queue.ts";
import type { QueueError } from "./queue_error.ts";

/**
 * What a message read as: a job; a job whose key is known but which cannot
 * run (`error`: a failed attempt, counted in its state); no job at all
 * (`job` absent: its deliveries count the attempts); or a job this worker
 * must not run (`refuse`: nakked, and the loop stops with that error).
 */
export interface Decoded<J> {
  readonly job?: J;
  readonly error?: string;
  readonly refuse?: QueueError;
}

/** A job queue's own parts, which the {@link runJobLoop} calls. */
export interface JobKind<J> {
  /** The queue's streams, consumer and state bucket. */
  readonly names: QueueNames;
  /** Reads a message. */
  readonly decode: (m: JsMsg) => Decoded<J>;
  /** The job's key in the state bucket. */
  readonly key: (job: J) => string;
  /** Its rows, as its state counts them (`undefined`: a message no job). */
  readonly rows: (job: J | undefined) => number;
  /** Fields of its dead letter besides the key. */
  readonly letter?: (job: J) => Record<string, unknown>;
  /** How the log names it: `chunk 3`, `job KEY`. */
  readonly name: (job: J) => string;
  /** What a worker does with it, for a lease taken over: `writing`. */
  readonly doing: string;
  /** Does the job's work: the rows it leaves done. */
  readonly handle: (job: J) => Promise<number>;
  /** Called once a job is done and acked. */
  readonly done?: (job: J, rows: number) => void;
}

/** How a worker loop runs. */
export interface JobLoopOptions {
  /** Jobs in flight at once. */
  readonly concurrency: number;
  /** How long JetStream waits for an ack before redelivering (ms). */
  readonly ackWaitMs: number;
  /**
   * Failed attempts (an error, or a worker that died or stalled holding the
   * job's lease) before it goes to the dead letters.
   */
  readonly maxDeliver: number;
  /**
   * How long a worker's lease on a job lasts unrenewed (ms): another worker
   * handed the job waits this long for a silent holder before it takes
   * over. Default twice the ack wait.
   */
  readonly leaseMs?: number;
  /** Stop when the work stream is empty (nothing pending, nothing unacked). */
  readonly exitWhenEmpty?: boolean;
  /**
   * Wait this long (ms) before each job: a gentle backfill beside other
   * work, or a fault drill that must catch workers mid-run. Default 0.
   */
  readonly throttleMs?: number;
  /** Aborted (SIGTERM): take no more jobs, finish the current ones. */
  readonly signal?: AbortSignal;
  readonly log?: (line: string) => void;
}

/** What a worker loop did. */
export interface JobLoopSummary {
  /** Jobs done and acked. */
  readonly done: number;
  /** Jobs sent to the dead letters. */
  readonly dead: number;
}

const message = (e: unknown) => e instanceof Error ? e.message : String(e);

/** Makes the queue's shared durable consumer, or sets its ack wait. */
const ensureConsumer = async (
  q: NatsQueueShape,
  names: QueueNames,
  ackWaitMs: number,
) => {
  const ack_wait = ackWaitMs * 1_000_000;
  try {
    await q.jsm.consumers.add(names.stream, {
      durable_name: names.consumer,
      ack_policy: AckPolicy.Explicit,
      ack_wait,
      // Failed attempts are counted by the workers (in the state bucket),
      // which dead-letter the job with its error; the server's own limit
      // would strand it in the stream instead.
      max_deliver: -1,
      filter_subject: names.subject,
    });
  } catch {
    await q.jsm.consumers.update(names.stream, names.consumer, { ack_wait });
  }
  return q.js.consumers.get(names.stream, names.consumer);
};

/**
 * Pulls jobs until stopped (or the stream is empty, with `exitWhenEmpty`).
 * Each is claimed (a lease in the state bucket, so no two workers run it at
 * once), handled, marked done, and only then acked; progress acks and lease
 * renewals keep it while it runs. A failure naks it for a later attempt; at
 * the `maxDeliver`-th it goes to the dead letters with its error. A job the
 * kind refuses is nakked and the loop stops, rejecting with that error
 * once the jobs in flight are finished.
 */
export const runJobLoop = async <J>(
  q: NatsQueueShape,
  kind: JobKind<J>,
  o: JobLoopOptions,
): Promise<JobLoopSummary> => {
  const log = o.log ?? (() => {});
  const leaseMs = o.leaseMs ?? 2 * o.ackWaitMs;
  const me = `${Deno.hostname()}:${Deno.pid}`;
  const consumer = await ensureConsumer(q, kind.names, o.ackWaitMs);
  let done = 0, dead = 0;
  let refused: QueueError | undefined;
  const stopped = () => o.signal?.aborted === true || refused !== undefined;
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  const toDead = async (m: JsMsg, job: J | undefined, error: string) => {
    const key = job === undefined ? `seq.${m.seq}` : kind.key(job);
    await deadLetter(q, kind.names, m, {
      key,
      fields: job === undefined ? {} : kind.letter?.(job) ?? {},
      rows: kind.rows(job),
    }, error);
    dead++;
    log(`dead letter ${key}: ${error}`);
  };

  /** A failed attempt: counted in the state, dead-lettered at the last. */
  const failed = async (m: JsMsg, job: J, error: string) => {
    const key = kind.key(job);
    for (;;) {
      const { state, revision } = await readState(q.state, key);
      const failures = (state?.failures ?? 0) + 1;
      if (failures >= o.maxDeliver) return toDead(m, job, error);
      const ok = await swapState(q.state, key, revision, {
        state: "submitted",
        rows: kind.rows(job),
        at: Date.now(),
        failures,
        error,
      });
      if (ok !== undefined) {
        log(`${kind.name(job)} failed (attempt ${failures}): ${error}`);
        m.nak(Math.min(5000, 250 * failures));
        return;
      }
    }
  };

  /**
   * Takes the job's lease: its revision; "done" when it is done already;
   * "dead" when it went to the dead letters; "handled" when it just sent it
   * there; undefined when the worker stopped while waiting for a live
   * holder.
   */
  const claim = async (
    m: JsMsg,
    job: J,
  ): Promise<number | "done" | "dead" | "handled" | undefined> => {
    const key = kind.key(job);
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
        error = `worker ${state.by} died or stalled ${kind.doing} it`;
        if (failures >= o.maxDeliver) {
          await toDead(m, job, error);
          return "handled";
        }
      }
      const got = await swapState(q.state, key, revision, {
        state: "writing",
        rows: kind.rows(job),
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
    const decoded = kind.decode(m);
    if (decoded.refuse !== undefined) {
      m.nak();
      refused = decoded.refuse;
      return;
    }
    if (decoded.job === undefined) {
      // No job to key a state by: its deliveries count the attempts.
      if (deliveries >= o.maxDeliver) {
        await toDead(m, undefined, decoded.error ?? "no job");
      } else m.nak(250 * deliveries);
      return;
    }
    const { job, error } = decoded;
    if (error !== undefined) return failed(m, job, error);
    const lease = await claim(m, job);
    if (lease === undefined) return m.nak();
    if (lease === "handled") return;
    if (lease === "done" || lease === "dead") return void await m.ackAck();
    let revision = lease;
    const key = kind.key(job);
    const beat = setInterval(() => {
      m.working();
      const now = Date.now();
      swapState(q.state, key, revision, {
        state: "writing",
        rows: kind.rows(job),
        at: now,
        by: me,
        until: now + leaseMs,
      }).then((r) => {
        if (r !== undefined) revision = r;
      });
    }, Math.min(o.ackWaitMs, leaseMs) / 3);
    try {
      const rows = await kind.handle(job);
      clearInterval(beat);
      await putState(q.state, key, { state: "done", rows, at: Date.now() });
      await m.ackAck();
      done++;
      kind.done?.(job, rows);
    } catch (e) {
      clearInterval(beat);
      await failed(m, job, message(e));
    }
  };

  /** The work stream holds nothing: no job pending, none unacked. */
  const empty = async () =>
    (await q.jsm.streams.info(kind.names.stream)).state.messages === 0;

  const loop = async () => {
    while (!stopped()) {
      // With exitWhenEmpty, look before pulling: a pull on an empty stream
      // waits out its whole expiry (a second) before it can tell.
      if (o.exitWhenEmpty && await empty()) return;
      const m = await consumer.next({ expires: 1000 });
      if (m === null) continue;
      // Stopped while waiting: hand it back at once.
      if (stopped()) {
        m.nak();
        return;
      }
      if (o.throttleMs) {
        await new Promise((r) => setTimeout(r, o.throttleMs));
      }
      await handle(m);
    }
  };
  await Promise.all(Array.from({ length: o.concurrency }, loop));
  if (refused) throw refused;
  return { done, dead };
};
