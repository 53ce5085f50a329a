/**
 * The JetStream names the ingest queue uses. One work-queue stream holds the
 * chunks (a message is removed once a worker acks it), one stream the dead
 * letters, one key-value bucket each chunk's state (submitted, done,
 * failed), which makes `submit` resumable and `status` possible.
 */
export const QUEUE_NAMES = {
  /** The work-queue stream of chunks. */
  stream: "SENTEMB_INGEST",
  /** The subject chunks are published on. */
  subject: "sentemb.ingest.chunk",
  /** The durable consumer all workers share. */
  consumer: "sentemb-ingest-workers",
  /** The stream of chunks that failed `maxDeliver` times, with their error. */
  deadStream: "SENTEMB_INGEST_DEAD",
  /** The subject dead letters are published on. */
  deadSubject: "sentemb.ingest.dead",
  /** The key-value bucket of chunk states. */
  bucket: "sentemb_ingest_state",
} as const;
