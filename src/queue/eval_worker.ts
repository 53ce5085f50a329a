import { AckPolicy, type JsMsg } from "@nats-io/jetstream";
import type { KV } from "@nats-io/kv";
import { putState, readState, swapState } from "./chunk_state.ts";
import type { EvalJob } from "./eval_job.ts";
import { EVAL_QUEUE_NAMES } from "./names.ts";
import type { NatsQueueShape } from "./nats_queue.ts";

const NAMES = EVAL_QUEUE_NAMES;

/** How an evaluation worker runs. */
export interface EvalWorkerOptions {
  /** Scores one job with the library's evaluation code: its result JSON. */
  readonly run: (job: EvalJob) => Promise<unknown>;
  /** Where results go, by job key (see `openResults`). */
  readonly results: KV;
  /** Jobs in flight at once. */
  readonly concurrency: number;
  /** How long JetStream waits for an ack before redelivering (ms). */
  readonly ackWaitMs: number;
  /** Failed attempts before a job goes to the dead letters. */
  readonly maxDeliver: number;
  /** A write lease unrenewed this long is taken over (ms; 2 × ack wait). */
  readonly leaseMs?: number;
  /** Stop when the work stream is empty. */
  readonly exitWhenEmpty?: boolean;
  /** Aborted (SIGTERM): take no more jobs, finish the current ones. */
  readonly signal?: AbortSignal;
  readonly log?: (line: string) => void;
}

/** What an evaluation worker did. */
export interface EvalWorkerSummary {
  readonly jobs: number;
  readonly dead: number;
}

const message = (e: unknown) => e instanceof Error ? e.message : String(e);

const ensureConsumer = async (q: NatsQueueShape, ackWaitMs: number) => {
  const ack_wait = ackWaitMs * 1_000_000;
  try {
    await q.jsm.consumers.add(NAMES.stream, {
      durable_name: NAMES.consumer,
      ack_policy: AckPolicy.Explicit,
      ack_wait,
      // Attempts are counted in the state bucket (see the ingest worker).
      max_deliver: -1,
      filter_subject: NAMES.subject,
    });
  } catch {
    await q.jsm.consumers.update(NAMES.stream, NAMES.consumer, { ack_wait });
  }
  return q.js.consumers.get(NAMES.stream, NAMES.consumer);
};

/**
 * Pulls grid jobs until stopped (or the stream is empty, with
 * `exitWhenEmpty`), as the ingest worker pulls chunks: each is claimed (a
 * lease in the state bucket, so no two workers score it at once), scored,
 * its result written to the results bucket, marked done, and only then
 * acked. A failure naks it; at the `maxDeliver`-th it goes to the dead
 * letters with its error.
 */
export const runEvalWorker = async (
  q: NatsQueueShape,
  o: EvalWorkerOptions,
): Promise<EvalWorkerSummary> => {
  const log = o.log ?? (() => {});
  const leaseMs = o.leaseMs ?? 2 * o.ackWaitMs;
  const me = `${Deno.hostname()}:${Deno.pid}`;
  const consumer = await ensureConsumer(q, o.ackWaitMs);
  let jobs = 0, dead = 0;
  const stopped = () => o.signal?.aborted === true;
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  const toDead = async (m: JsMsg, key: string, error: string) => {
    await q.js.publish(
      NAMES.deadSubject,
      JSON.stringify({
        key,
        deliveries: m.info.deliveryCount,
        error,
        payload: m.string(),
      }),
    );
    await putState(q.state, key, {
      state: "failed",
      rows: 1,
      at: Date.now(),
      error,
    });
    await m.ackAck();
    dead++;
    log(`dead letter ${key}: ${error}`);
  };

  const failed = async (m: JsMsg, key: string, error: string) => {
    for (;;) {
      const { state, revision } = await readState(q.state, key);
      const failures = (state?.failures ?? 0) + 1;
      if (failures >= o.maxDeliver) return toDead(m, key, error);
      const ok = await swapState(q.state, key, revision, {
        state: "submitted",
        rows: 1,
        at: Date.now(),
        failures,
        error,
      });
      if (ok !== undefined) {
        log(`job ${key} failed (attempt ${failures}): ${error}`);
        m.nak(Math.min(5000, 250 * failures));
        return;
      }
    }
  };

  /** The lease's revision, or what became of the job instead. */
  const claim = async (
    m: JsMsg,
    key: string,
  ): Promise<number | "done" | "dead" | "handled" | undefined> => {
    for (;;) {
      const { state, revision } = await readState(q.state, key);
      if (state?.state === "done") return "done";
      if (state?.state === "failed") return "dead";
      const now = Date.now();
      if (state?.state === "writing" && state.until! > now) {
        if (stopped()) return undefined;
        m.working();
        await sleep(Math.min(500, state.until! - now));
        continue;
      }
      let failures = state?.failures ?? 0, error = state?.error;
      if (state?.state === "writing") {
        failures++;
        error = `worker ${state.by} died or stalled scoring it`;
        if (failures >= o.maxDeliver) {
          await toDead(m, key, error);
          return "handled";
        }
      }
      const got = await swapState(q.state, key, revision, {
        state: "writing",
        rows: 1,
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
    let job: EvalJob;
    try {
      job = JSON.parse(m.string()) as EvalJob;
      if (typeof job.key !== "string") throw new Error("no job key");
    } catch (e) {
      const error = `not a grid job: ${message(e)}`;
      if (m.info.deliveryCount >= o.maxDeliver) {
        await toDead(m, `seq.${m.seq}`, error);
      } else m.nak(250 * m.info.deliveryCount);
      return;
    }
    const key = job.key;
    const lease = await claim(m, key);
    if (lease === undefined) return m.nak();
    if (lease === "handled") return;
    if (lease === "done" || lease === "dead") return void await m.ackAck();
    let revision = lease;
    const beat = setInterval(() => {
      m.working();
      const now = Date.now();
      swapState(q.state, key, revision, {
        state: "writing",
        rows: 1,
        at: now,
        by: me,
        until: now + leaseMs,
      }).then((r) => {
        if (r !== undefined) revision = r;
      });
    }, Math.min(o.ackWaitMs, leaseMs) / 3);
    try {
      const result = await o.run(job);
      clearInterval(beat);
      await o.results.put(key, JSON.stringify(result));
      await putState(q.state, key, { state: "done", rows: 1, at: Date.now() });
      await m.ackAck();
      jobs++;
      log(`done ${job.pipeline} ${job.suite} ${job.task}`);
    } catch (e) {
      clearInterval(beat);
      await failed(m, key, message(e));
    }
  };

  const loop = async () => {
    while (!stopped()) {
      const m = await consumer.next({ expires: 1000 });
      if (m === null) {
        if (o.exitWhenEmpty) {
          const info = await q.jsm.streams.info(NAMES.stream);
          if (info.state.messages === 0) return;
        }
        continue;
      }
      if (stopped()) {
        m.nak();
        return;
      }
      await handle(m);
    }
  };
  await Promise.all(Array.from({ length: o.concurrency }, loop));
  return { jobs, dead };
};
