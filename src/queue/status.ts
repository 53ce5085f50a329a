import { allStates } from "./chunk_state.ts";
import { QUEUE_NAMES, type QueueNames } from "./names.ts";
import type { NatsQueueShape } from "./nats_queue.ts";

/** Where the queue stands (`deno task ingest status`). */
export interface QueueStatus {
  /** Chunks ever submitted (each state is one). */
  readonly submitted: number;
  readonly done: number;
  readonly failed: number;
  /** Records in done chunks. */
  readonly rowsDone: number;
  /** Records done per second, first chunk done to last; 0 before two. */
  readonly rate: number;
  /** Messages in the work stream: waiting or being worked on. */
  readonly queued: number;
  /** Of those, delivered and not yet acked. */
  readonly inFlight: number;
  /** Redeliveries waiting (a worker died, nakked or overran the ack wait). */
  readonly redelivered: number;
  /** The errors of failed chunks, by key. */
  readonly errors: ReadonlyArray<{ key: string; error: string }>;
}

/** Reads the state bucket and the work stream. */
export const queueStatus = async (
  q: NatsQueueShape,
  names: QueueNames = QUEUE_NAMES,
): Promise<QueueStatus> => {
  const states = await allStates(q.state);
  let done = 0, failed = 0, rowsDone = 0;
  let first = Infinity, last = -Infinity;
  const errors: { key: string; error: string }[] = [];
  for (const [key, s] of states) {
    if (s.state === "done") {
      done++;
      rowsDone += s.rows;
      first = Math.min(first, s.at);
      last = Math.max(last, s.at);
    } else if (s.state === "failed") {
      failed++;
      errors.push({ key, error: s.error ?? "" });
    }
  }
  const stream = await q.jsm.streams.info(names.stream);
  const consumer = await q.jsm.consumers.info(
    names.stream,
    names.consumer,
  ).catch(() => undefined);
  const span = (last - first) / 1000;
  return {
    submitted: states.size,
    done,
    failed,
    rowsDone,
    rate: span > 0 && Number.isFinite(span) ? rowsDone / span : 0,
    queued: stream.state.messages,
    inFlight: consumer?.num_ack_pending ?? 0,
    redelivered: consumer?.num_redelivered ?? 0,
    errors,
  };
};

/** The status as `ingest status` prints it. */
export const statusLines = (s: QueueStatus): string[] => [
  `chunks: ${s.submitted} submitted, ${s.done} done, ${s.failed} failed, ` +
  `${s.submitted - s.done - s.failed} to do`,
  `queue: ${s.queued} messages (${s.inFlight} in flight, ` +
  `${s.redelivered} redelivered)`,
  `sentences done: ${s.rowsDone}` +
  (s.rate > 0 ? `, ${Math.round(s.rate)} sentences/s` : ""),
  ...s.errors.map((e) => `failed ${e.key}: ${e.error}`),
];
