import type { JsMsg } from "@nats-io/jetstream";
import type { Chunk } from "./chunk.ts";
import { chunkKey } from "./chunk.ts";
import { putState } from "./chunk_state.ts";
import { QUEUE_NAMES, type QueueNames } from "./names.ts";
import type { NatsQueueShape } from "./nats_queue.ts";

/** A chunk that failed `maxDeliver` times, as the dead-letter stream holds it. */
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

/**
 * Moves `m` to the dead letters: publishes it with its error, marks its
 * state failed, then acks it, which takes it off the work queue (an ack,
 * not `term`: servers before 2.10 take a `term` with a reason for a nak).
 */
export const deadLetter = async (
  q: NatsQueueShape,
  m: JsMsg,
  chunk: Chunk | undefined,
  error: string,
): Promise<DeadLetter> => {
  const key = chunk ? chunkKey(chunk) : `seq.${m.seq}`;
  const letter: DeadLetter = {
    key,
    ...(chunk
      ? { seq: chunk.seq, source: chunk.source, hash: chunk.hash }
      : {}),
    deliveries: m.info.deliveryCount,
    error,
    payload: m.string(),
  };
  await q.js.publish(QUEUE_NAMES.deadSubject, JSON.stringify(letter));
  await putState(q.state, key, {
    state: "failed",
    rows: chunk?.ids.length ?? 0,
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
