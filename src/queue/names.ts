/**
 * The JetStream names the ingest queue uses. One work-queue stream holds the
 * chunks (a message is removed once a worker acks it), one stream the dead
 * letters, one key-value bucket each chunk's state (submitted, done,
 * failed), which makes `submit` resumable and `status` possible.
 */
export const QUEUE_NAMES: QueueNames = {
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
};

/** The names one job queue uses (its streams, consumer and state bucket). */
export interface QueueNames {
  readonly stream: string;
  readonly subject: string;
  readonly consumer: string;
  readonly deadStream: string;
  readonly deadSubject: string;
  readonly bucket: string;
}

/**
 * The JetStream names of the evaluation-grid queue (`deno task eval --grid
 * --queue`): jobs are (pipeline variant, task) pairs, kept apart from the
 * ingest chunks; `results` is the bucket each job's score is written to.
 */
export const EVAL_QUEUE_NAMES: QueueNames & { readonly results: string } = {
  stream: "SENTEMB_EVAL",
  subject: "sentemb.eval.job",
  consumer: "sentemb-eval-workers",
  deadStream: "SENTEMB_EVAL_DEAD",
  deadSubject: "sentemb.eval.dead",
  bucket: "sentemb_eval_state",
  results: "sentemb_eval_results",
};
