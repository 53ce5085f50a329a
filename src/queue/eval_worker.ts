import type { KV } from "@nats-io/kv";
import type { EvalJob } from "./eval_job.ts";
import { type JobLoopOptions, runJobLoop } from "./job_loop.ts";
import { EVAL_QUEUE_NAMES } from "./names.ts";
import type { NatsQueueShape } from "./nats_queue.ts";

/** How an evaluation worker runs (see {@link JobLoopOptions}). */
export interface EvalWorkerOptions extends JobLoopOptions {
  /** Scores one job with the library's evaluation code: its result JSON. */
  readonly run: (job: EvalJob) => Promise<unknown>;
  /** Where results go, by job key (see `openResults`). */
  readonly results: KV;
}

/** What an evaluation worker did. */
export interface EvalWorkerSummary {
  readonly jobs: number;
  readonly dead: number;
}

const message = (e: unknown) => e instanceof Error ? e.message : String(e);

/** Reads a grid job, or says why the payload is none. */
const readJob = (payload: string): { job?: EvalJob; error?: string } => {
  try {
    const job = JSON.parse(payload) as EvalJob;
    if (typeof job.key !== "string") throw new Error("no job key");
    return { job };
  } catch (e) {
    return { error: `not a grid job: ${message(e)}` };
  }
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
  const { done, dead } = await runJobLoop<EvalJob>(q, {
    names: EVAL_QUEUE_NAMES,
    decode: (m) => {
      const { job, error } = readJob(m.string());
      return job === undefined ? { error: error! } : { job };
    },
    key: (job) => job.key,
    rows: () => 1,
    name: (job) => `job ${job.key}`,
    doing: "scoring",
    handle: async (job) => {
      const result = await o.run(job);
      await o.results.put(job.key, JSON.stringify(result));
      return 1;
    },
    done: (job) => log(`done ${job.pipeline} ${job.suite} ${job.task}`),
  }, o);
  return { jobs: done, dead };
};
