import { Kvm } from "@nats-io/kv";
import type { KV } from "@nats-io/kv";
import type { PipelineSpec } from "../pipeline/spec.ts";
import { getState, markSubmitted } from "./chunk_state.ts";
import { EVAL_QUEUE_NAMES } from "./names.ts";
import type { NatsQueueShape } from "./nats_queue.ts";

/**
 * One job of an evaluation grid on the queue: one pipeline variant on one
 * task (`suite` "isotropy" is the variant's isotropy measurement).
 */
export interface EvalJob {
  /** Its state key (see {@link evalJobKey}). */
  readonly key: string;
  /** The variant's name and pipeline hash. */
  readonly pipeline: string;
  readonly hash: string;
  /** The variant's spec, as the worker loads it. */
  readonly spec: PipelineSpec;
  readonly axes?: Readonly<Record<string, string>>;
  readonly suite: "sts" | "clustering" | "classification" | "isotropy";
  readonly task: string;
  /** STS text: raw or senteval. */
  readonly variant: string;
}

/**
 * The key of the job scoring pipeline `hash` on `task` of `suite` with STS
 * text `variant`: the same grid submitted twice has the same keys.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { evalJobKey } from "./eval_job.ts";
 *
 * assert.equal(
 *   evalJobKey("3d0d4915a1b6", "raw", "sts", "SICK-R"),
 *   "3d0d4915a1b6.raw.sts.SICK-R",
 * );
 * assert.equal(evalJobKey("ab", "raw", "clustering", "a b"), "ab.raw.clustering.a_b");
 * ```
 */
export const evalJobKey = (
  hash: string,
  variant: string,
  suite: string,
  task: string,
): string =>
  [hash, variant, suite, task].map((p) => p.replace(/[^A-Za-z0-9_-]/g, "_"))
    .join(".");

/** The bucket each done job's result JSON is written to. */
export const openResults = (q: NatsQueueShape): Promise<KV> =>
  new Kvm(q.nc).create(EVAL_QUEUE_NAMES.results);

/** What submitting a grid did. */
export interface EvalSubmitSummary {
  /** Jobs published now. */
  readonly published: number;
  /** Jobs left alone: submitted before (pending, done or failed). */
  readonly skipped: number;
}

/**
 * Publishes each job that has no state yet (the message id is its key, so
 * JetStream drops a repeat), then marks it submitted: a re-submit of the
 * same grid sends only what was never sent.
 */
export const submitEvalJobs = async (
  q: NatsQueueShape,
  jobs: ReadonlyArray<EvalJob>,
): Promise<EvalSubmitSummary> => {
  let published = 0, skipped = 0;
  for (const job of jobs) {
    if ((await getState(q.state, job.key)) !== undefined) {
      skipped++;
      continue;
    }
    await q.js.publish(EVAL_QUEUE_NAMES.subject, JSON.stringify(job), {
      msgID: job.key,
    });
    await markSubmitted(q.state, job.key, 1);
    published++;
  }
  return { published, skipped };
};

/** The results written so far of `keys` (absent: not done). */
export const readResults = async (
  results: KV,
  keys: ReadonlyArray<string>,
): Promise<Map<string, unknown>> => {
  const out = new Map<string, unknown>();
  for (let i = 0; i < keys.length; i += 64) {
    const part = keys.slice(i, i + 64);
    const got = await Promise.all(part.map((k) => results.get(k)));
    got.forEach((e, j) => {
      if (e !== null && e.operation === "PUT") out.set(part[j], e.json());
    });
  }
  return out;
};
