import type { JsMsg } from "@nats-io/jetstream";
import { putState } from "./chunk_state.ts";
import { QUEUE_NAMES, type QueueNames } from "./names.ts";
import type { NatsQueueShape } from "./nats_queue.ts";

/** A job that failed `maxDeliver` times, as the dead-letter stream holds it. */
export interface DeadLetter {
  /** Its state key; the stream sequence when the payload was no chunk. */
  readonly key: string;
  readonly seq?: number;
  readonly source?: string;
  readonly hash?: string;
  readonly deliveries: number;
  /** Why it failed, the last time. */
  readonly error: string;
  /** The message as it was submitted, to inspect or re-publish. */
  readonly payload: string;
}

/** What a dead letter says of its job besides the message. */
export interface DeadJob {
  /** Its state key; `seq.N` when the payload was no job. */
  readonly key: string;
  /** Fields the letter carries after the key (a chunk's seq, source, hash). */
  readonly fields: Readonly<Record<string, unknown>>;
  /** Its rows, for the `failed` state. */
  readonly rows: number;
}

/**
 * Moves `m` to the dead letters of the queue `names` names: publishes it
 * with its error, marks its state failed, then acks it, which takes it off
 * the work queue (an ack, not `term`: servers before 2.10 take a `term`
 * with a reason for a nak).
 */
export const deadLetter = async (
  q: NatsQueueShape,
  names: QueueNames,
  m: JsMsg,
  job: DeadJob,
  error: string,
): Promise<DeadLetter> => {
  const letter = {
    key: job.key,
    ...job.fields,
    deliveries: m.info.deliveryCount,
    error,
    payload: m.string(),
  } as DeadLetter;
  await q.js.publish(names.deadSubject, JSON.stringify(letter));
  await putState(q.state, job.key, {
    state: "failed",
    rows: job.rows,
    at: Date.now(),
    error,
  });
  await m.ackAck();
  return letter;
};

/** Every dead letter, oldest first. */
export const deadLetters = async (
  q: NatsQueueShape,
  names: QueueNames = QUEUE_NAMES,
): Promise<DeadLetter[]> => {
  const info = await q.jsm.streams.info(names.deadStream);
  const out: DeadLetter[] = [];
  for (let s = info.state.first_seq; s <= info.state.last_seq; s++) {
    if (info.state.messages === 0) break;
    const m = await q.jsm.streams.getMessage(names.deadStream, {
      seq: s,
    }).catch(() => null);
    if (m) out.push(m.json<DeadLetter>());
  }
  return out;
};
