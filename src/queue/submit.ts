import type { InputRecord } from "../io/record.ts";
import { type Chunk, chunkKey, makeChunk } from "./chunk.ts";
import { getState, markSubmitted } from "./chunk_state.ts";
import { QUEUE_NAMES } from "./names.ts";
import type { NatsQueueShape } from "./nats_queue.ts";

/** What `submit` did. */
export interface SubmitSummary {
  /** Chunks published now. */
  readonly published: number;
  /** Chunks left alone: submitted before (pending, done or failed). */
  readonly skipped: number;
  readonly records: number;
}

/** The pipeline and input the chunks are for. */
export interface SubmitOptions {
  readonly pipeline: string;
  readonly hash: string;
  readonly source: string;
  /** Records per chunk. */
  readonly chunk: number;
}

/** Publishes one chunk: the message id is its key (JetStream drops a repeat). */
export const publishChunk = async (
  q: NatsQueueShape,
  c: Chunk,
): Promise<void> => {
  await q.js.publish(QUEUE_NAMES.subject, JSON.stringify(c), {
    msgID: chunkKey(c),
  });
};

/**
 * Cuts `records` into chunks of `options.chunk` and publishes each that has
 * no state yet (so a re-run after a crash or on a grown file sends only what
 * is new), then marks it submitted. Publishing first: a crash between the two
 * re-sends the chunk on the next run, which the workers' upsert absorbs.
 */
export const submitChunks = async (
  q: NatsQueueShape,
  records: AsyncIterable<InputRecord>,
  options: SubmitOptions,
): Promise<SubmitSummary> => {
  let published = 0, skipped = 0, count = 0, seq = 0;
  let ids: string[] = [], texts: string[] = [];
  const flush = async () => {
    if (ids.length === 0) return;
    const c = makeChunk(
      {
        pipeline: options.pipeline,
        hash: options.hash,
        source: options.source,
        seq: seq++,
      },
      ids,
      texts,
    );
    ids = [];
    texts = [];
    const key = chunkKey(c);
    if ((await getState(q.state, key)) !== undefined) {
      skipped++;
      return;
    }
    await publishChunk(q, c);
    await markSubmitted(q.state, key, c.ids.length);
    published++;
  };
  for await (const r of records) {
    ids.push(r.id);
    texts.push(r.text);
    count++;
    if (ids.length >= options.chunk) await flush();
  }
  await flush();
  return { published, skipped, records: count };
};
