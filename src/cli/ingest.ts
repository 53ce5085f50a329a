import { DEFAULT_PIPELINE } from "../../pipelines/mod.ts";
import { parseFlags } from "./args.ts";
import { runIngestWorker, runStatus, runSubmit } from "./ingest_command.ts";
import { runMain } from "./run_main.ts";

const USAGE =
  `Usage: deno task ingest submit --queue nats://HOST:PORT --input FILE
                         [--pipeline NAME|FILE] [--chunk N]
       deno task ingest worker --queue nats://HOST:PORT --to lancedb://PATH/TABLE
                         [--pipeline NAME|FILE] [--concurrency N] [--ack-wait S]
                         [--max-deliver N] [--lease S] [--exit-when-empty]
                         [--throttle-ms MS]
       deno task ingest status --queue nats://HOST:PORT

Spreads an embedding job over many machines through a NATS JetStream server
(\`nats-server -js\`): \`submit\` cuts the input into chunks (a content hash
each) onto a work-queue stream; each \`worker\` (any number, anywhere) pulls
chunks, embeds them, upserts them into the LanceDB table keyed by (id,
pipeline hash), and only then acks. A worker that dies leaves its chunk
unacked: JetStream redelivers it after the ack wait. A chunk that fails
--max-deliver times goes to the dead letters with its error.
  --queue         the NATS server, nats://HOST:PORT (port 4222 by default)
  --pipeline      a name from \`deno task pipelines\`, or your own pipeline
                  file; submit and workers must name the same one (the
                  chunks carry its hash; a worker refuses another's)
  --input         submit: the input (text, .jsonl, .csv, .tsv as embed reads)
  --chunk N       submit: sentences per chunk (default 1000); re-running
                  submit sends only chunks not submitted before
  --to            worker: lancedb://PATH/TABLE (made if missing)
  --concurrency N worker: chunks in flight at once (default 2)
  --ack-wait S    worker: seconds before an unacked chunk is redelivered
                  (default 60; progress acks keep a long chunk alive)
  --max-deliver N worker: failed attempts (an error, or a worker that died
                  holding the chunk) before it is dead-lettered (default 5)
  --lease S       worker: seconds a worker's claim on a chunk lasts unrenewed
                  (default twice --ack-wait); a chunk is written by one worker
                  at a time, so a redelivery never writes it twice
  --exit-when-empty  worker: exit once the stream holds no chunk
  --throttle-ms MS   worker: wait this long before each chunk (a gentle
                  backfill beside other work; fault drills)
SIGTERM (or Ctrl-C) drains a worker: it takes no more chunks, finishes the
ones it holds, and exits 0.
Default pipeline: ${DEFAULT_PIPELINE}.`;

const [sub, ...rest] = Deno.args;
if (sub === "--help" || sub === "-h") {
  console.log(USAGE);
  Deno.exit(0);
}
const flags = parseFlags(rest, {
  queue: { type: "string" },
  pipeline: { type: "string" },
  input: { type: "string" },
  chunk: { type: "string" },
  to: { type: "string" },
  concurrency: { type: "string" },
  "ack-wait": { type: "string" },
  "max-deliver": { type: "string" },
  lease: { type: "string" },
  "exit-when-empty": { type: "boolean" },
  "throttle-ms": { type: "string" },
  help: { type: "boolean" },
}, USAGE);

const usageError = (message: string): never => {
  console.error(`${message}\n\n${USAGE}`);
  Deno.exit(2);
};

const positive = (name: string, value: string | undefined, d: number) => {
  if (value === undefined) return d;
  const n = Number(value);
  if (!(n > 0) || !Number.isFinite(n)) {
    return usageError(`--${name} must be a positive number, got "${value}"`);
  }
  return n;
};

const integer = (name: string, value: string | undefined, d: number) => {
  const n = positive(name, value, d);
  return Number.isInteger(n)
    ? n
    : usageError(`--${name} must be a whole number, got "${value}"`);
};

const need = (name: string, value: string | undefined): string =>
  value ?? usageError(`ingest ${sub} needs --${name}`);

if (sub !== "submit" && sub !== "worker" && sub !== "status") {
  usageError(
    sub === undefined
      ? "give a command: submit, worker or status"
      : `unknown command "${sub}"`,
  );
}
const queue = need("queue", flags.queue);
const pipeline = flags.pipeline ?? DEFAULT_PIPELINE;

if (sub === "submit") {
  await runMain(runSubmit({
    queue,
    pipeline,
    input: need("input", flags.input),
    chunk: integer("chunk", flags.chunk, 1000),
  }));
} else if (sub === "worker") {
  const stop = new AbortController();
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    Deno.addSignalListener(signal, () => stop.abort());
  }
  await runMain(runIngestWorker({
    queue,
    pipeline,
    to: need("to", flags.to),
    concurrency: integer("concurrency", flags.concurrency, 2),
    ackWaitMs: positive("ack-wait", flags["ack-wait"], 60) * 1000,
    maxDeliver: integer("max-deliver", flags["max-deliver"], 5),
    ...(flags.lease === undefined
      ? {}
      : { leaseMs: positive("lease", flags.lease, 0) * 1000 }),
    exitWhenEmpty: flags["exit-when-empty"] ?? false,
    throttleMs: integer("throttle-ms", flags["throttle-ms"], 0),
    signal: stop.signal,
  }));
  Deno.exit(0);
} else {
  await runMain(runStatus({ queue }));
}
