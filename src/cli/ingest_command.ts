import { Effect } from "effect";
import { BadConfig } from "../errors.ts";
import { openInput, readRecords } from "../io/read_records.ts";
import { formatFromPath } from "../io/read_records.ts";
import { parseLanceTarget } from "../io/write_lancedb.ts";
import { statisticsOf } from "../pipeline/describe.ts";
import { pipelineHash } from "../pipeline/hash.ts";
import { loadPipeline } from "../pipeline/load.ts";
import { userPath } from "../pipeline/pipeline_source.ts";
import { compilePlan } from "../pipeline/plan.ts";
import { deadLetters } from "../queue/dead_letter.ts";
import { NatsQueue, natsQueueLayer } from "../queue/nats_queue.ts";
import { QueueError } from "../queue/queue_error.ts";
import { queueStatus, statusLines } from "../queue/status.ts";
import { submitChunks } from "../queue/submit.ts";
import { runWorker } from "../queue/worker.ts";
import { pipelineFlag, withArtifactsBeside } from "./pipeline_flag.ts";

/** Runs `body` against the queue at `url`, its failures typed. */
const onQueue = <A>(
  url: string,
  body: (q: NatsQueue["Service"]) => Promise<A>,
) =>
  Effect.gen(function* () {
    const q = yield* NatsQueue;
    return yield* Effect.tryPromise({
      try: () => body(q),
      catch: (e) =>
        typeof e === "object" && e !== null && "_tag" in e
          ? e as QueueError
          : new QueueError({
            queue: url,
            reason: e instanceof Error ? e.message : String(e),
          }),
    });
  }).pipe(Effect.provide(natsQueueLayer(url)));

/** A pipeline that embeds each sentence alone: chunks may go anywhere. */
const chunkable = (ref: string) =>
  Effect.gen(function* () {
    const sourced = yield* pipelineFlag(ref);
    const plan = yield* compilePlan(sourced.spec);
    if (statisticsOf(plan) === "transductive") {
      return yield* new BadConfig({
        subject: `--pipeline ${ref}`,
        reason: "its statistics are fitted on the whole input, which no " +
          "chunk sees: fit it on your collection first (`deno task fit " +
          `--pipeline ${ref} --corpus FILE --name NAME\`) and queue ` +
          "--pipeline NAME.json",
      });
    }
    return sourced;
  });

/** `ingest submit`: chunks of `input` onto the queue. */
export const runSubmit = (cmd: {
  readonly queue: string;
  readonly pipeline: string;
  readonly input: string;
  readonly chunk: number;
}) =>
  Effect.gen(function* () {
    const sourced = yield* chunkable(cmd.pipeline);
    const hash = pipelineHash(sourced.spec);
    const path = userPath(cmd.input);
    const s = yield* onQueue(cmd.queue, async (q) => {
      const input = await openInput(path);
      const reader = readRecords(input.stream, {
        format: formatFromPath(path),
        source: cmd.input,
      });
      return submitChunks(q, reader.records, {
        pipeline: sourced.spec.name,
        hash,
        source: cmd.input,
        chunk: cmd.chunk,
      });
    });
    console.log(
      `submitted ${s.published} chunks (${s.records} sentences read; ` +
        `${s.skipped} chunks submitted before, left alone) for ` +
        `${sourced.spec.name} (hash ${hash})`,
    );
  });

/** `ingest worker`: embeds chunks into a LanceDB table until stopped. */
export const runIngestWorker = (cmd: {
  readonly queue: string;
  readonly pipeline: string;
  readonly to: string;
  readonly concurrency: number;
  readonly ackWaitMs: number;
  readonly maxDeliver: number;
  readonly leaseMs?: number;
  readonly exitWhenEmpty: boolean;
  readonly throttleMs?: number;
  readonly signal: AbortSignal;
}) =>
  Effect.gen(function* () {
    const target = parseLanceTarget(cmd.to);
    if (target === undefined) {
      return yield* new BadConfig({
        subject: `--to ${cmd.to}`,
        reason: "give lancedb://PATH/TABLE (a database folder and a table)",
      });
    }
    const db = userPath(target.db);
    yield* Effect.promise(() => Deno.mkdir(db, { recursive: true }));
    const sourced = yield* chunkable(cmd.pipeline);
    const embedder = yield* withArtifactsBeside([sourced])(
      Effect.flatMap(loadPipeline(sourced.spec), (p) => p.fit([])),
    );
    const s = yield* onQueue(cmd.queue, (q) =>
      runWorker(q, {
        embedder,
        target: { db, table: target.table },
        concurrency: cmd.concurrency,
        ackWaitMs: cmd.ackWaitMs,
        maxDeliver: cmd.maxDeliver,
        ...(cmd.leaseMs === undefined ? {} : { leaseMs: cmd.leaseMs }),
        exitWhenEmpty: cmd.exitWhenEmpty,
        ...(cmd.throttleMs ? { throttleMs: cmd.throttleMs } : {}),
        signal: cmd.signal,
        log: (line) => console.error(`worker: ${line}`),
      }));
    console.error(
      `worker: ${s.chunks} chunks (${s.rows} sentences) written, ` +
        `${s.dead} dead-lettered${
          cmd.signal.aborted ? "; stopped on request" : ""
        }`,
    );
  });

/** `ingest status`: chunk counts, the rate, and the dead letters' errors. */
export const runStatus = (cmd: { readonly queue: string }) =>
  onQueue(cmd.queue, async (q) => {
    for (const line of statusLines(await queueStatus(q))) console.log(line);
    const dead = await deadLetters(q);
    if (dead.length > 0) {
      console.log(`dead letters: ${dead.length}`);
      for (const d of dead) {
        console.log(`  ${d.key} (${d.deliveries} deliveries): ${d.error}`);
      }
    }
  });
