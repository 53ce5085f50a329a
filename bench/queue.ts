import { Effect } from "effect";
import { DEFAULT_PIPELINE } from "../pipelines/mod.ts";
import { parseFlags } from "../src/cli/args.ts";
import { loadGeneralCorpus } from "../src/corpus/general_corpus.ts";
import { pathsFromEnv } from "../src/paths.ts";

const USAGE =
  `Usage: deno task bench:queue [--sentences N] [--chunk N] [--pipeline NAME|FILE]
         [--concurrency N] [--threads N] [--json]

Queue benchmark: N sentences of the general corpus (default 50,000), into a
LanceDB table five ways, each a child process timed by its wall clock (load,
embed, write) and its CPU time: plain streaming \`deno task embed --to
lancedb://\` into a new table (which it appends to, as its sole writer) and
into a table that exists (which it upserts into, as the workers do); two plain
embeds side by side, each of half the input into a table of its own (what a
second process gains on this machine at all, with no queue); then
\`ingest worker\` with 1 and with 2 worker processes (--concurrency chunks in
flight each, default 1) on chunks of --chunk sentences (default 1,000) that
\`ingest submit\` put on a \`nats-server -js\` of its own (127.0.0.1, a free
port, a temporary store). --threads N sets SENTEMB_THREADS for every process
(a transformer pipeline's onnxruntime threads). Reports sentences/s, the
2-worker speed-up, the queue path's overhead over each plain embed, and each
process's CPU / wall (a worker that keeps more than one of the machine's
cores busy leaves less for a second one). Default pipeline: ${DEFAULT_PIPELINE}.`;

const flags = parseFlags(Deno.args, {
  sentences: { type: "string" },
  chunk: { type: "string" },
  pipeline: { type: "string" },
  concurrency: { type: "string" },
  threads: { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean" },
}, USAGE);

const N = Number(flags.sentences ?? 50_000);
const CHUNK = Number(flags.chunk ?? 1000);
const pipeline = flags.pipeline ?? DEFAULT_PIPELINE;
const CONCURRENCY = Number(flags.concurrency ?? 1);
const env: Record<string, string> = flags.threads === undefined
  ? {}
  : { SENTEMB_THREADS: flags.threads };
const root = new URL("../", import.meta.url).pathname;
const dir = `${root}.cache/bench-queue`;
const PERMS = [
  "--allow-read",
  "--allow-env",
  "--allow-write=.cache",
  "--allow-sys",
  "--allow-ffi",
  "--allow-net=127.0.0.1",
];

const deno = (script: string, args: string[]) =>
  new Deno.Command(Deno.execPath(), {
    args: ["run", ...PERMS, script, ...args],
    cwd: root,
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  });

const check = (what: string, out: Deno.CommandOutput) => {
  if (out.code !== 0) {
    throw new Error(`${what} failed:\n${new TextDecoder().decode(out.stderr)}`);
  }
};

/** A nats-server -js on a free port with a fresh store; its URL and stop. */
const natsServer = async () => {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  const store = await Deno.makeTempDir({ dir, prefix: "nats-" });
  const bin = Deno.env.get("SENTEMB_NATS_SERVER") ?? "nats-server";
  const child = new Deno.Command(bin, {
    args: ["-js", "-a", "127.0.0.1", "-p", String(port), "-sd", store],
    stdout: "null",
    stderr: "null",
  }).spawn();
  for (let i = 0;; i++) {
    try {
      (await Deno.connect({ hostname: "127.0.0.1", port })).close();
      break;
    } catch (e) {
      if (i > 100) throw e;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return {
    url: `nats://127.0.0.1:${port}`,
    stop: async () => {
      child.kill("SIGTERM");
      await child.status;
    },
  };
};

const seconds = async (run: () => Promise<void>) => {
  const t = performance.now();
  await run();
  return (performance.now() - t) / 1000;
};

/** CPU seconds (user + system) of this process's finished children so far. */
const childrenCpu = async (): Promise<number> => {
  // /proc/self/stat fields 16 and 17: cutime and cstime, in clock ticks.
  const stat = await Deno.readTextFile("/proc/self/stat");
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(f[13]) + Number(f[14])) / 100;
};

/** Wall seconds and CPU seconds of what `run` starts and waits for. */
const measured = async (run: () => Promise<void>) => {
  const cpu = await childrenCpu();
  const wall = await seconds(run);
  return { wall, cpu: (await childrenCpu()) - cpu };
};

await Deno.remove(dir, { recursive: true }).catch(() => {});
await Deno.mkdir(dir, { recursive: true });
const corpus = await Effect.runPromise(
  loadGeneralCorpus(pathsFromEnv().data, N),
);
const lines = Array.from(
  { length: N },
  (_, i) => corpus[i % corpus.length].replace(/\s+/g, " "),
);
const writeLines = (file: string, part: ReadonlyArray<string>) =>
  Deno.writeTextFile(file, part.join("\n") + "\n");
const input = `${dir}/in.txt`;
await writeLines(input, lines);

const embed = (file: string, table: string) => async () => {
  check(
    "embed",
    await deno("src/cli/embed.ts", [
      "--pipeline",
      pipeline,
      "--input",
      file,
      "--to",
      `lancedb://${dir}/${table}/t`,
    ]).output(),
  );
};
const plain = await measured(embed(input, "plain"));
// The upserting run: the table exists (made from the input's first line), so
// every batch is a merge_insert, as a worker's is.
const first = `${dir}/first.txt`;
await writeLines(first, lines.slice(0, 1));
await embed(first, "upsert")();
const upsert = await measured(embed(input, "upsert"));
// What a second process gains on this machine at all, queue or not: two
// plain embeds side by side, each of half the input into a table of its own
// (shared cores, caches and memory bandwidth are what limit them).
const halves = [0, 1].map((h) => `${dir}/half${h}.txt`);
const half = Math.ceil(N / 2);
await Promise.all(
  halves.map((f, h) => writeLines(f, lines.slice(h * half, (h + 1) * half))),
);
const pair = await measured(async () => {
  await Promise.all(halves.map((f, h) => embed(f, `half${h}`)()));
});

const queued = async (workers: number) => {
  const server = await natsServer();
  try {
    const submit = await seconds(async () => {
      check(
        "submit",
        await deno("src/cli/ingest.ts", [
          "submit",
          "--queue",
          server.url,
          "--pipeline",
          pipeline,
          "--input",
          input,
          "--chunk",
          String(CHUNK),
        ]).output(),
      );
    });
    const work = await measured(async () => {
      const outs = await Promise.all(
        Array.from({ length: workers }, () =>
          deno("src/cli/ingest.ts", [
            "worker",
            "--queue",
            server.url,
            "--pipeline",
            pipeline,
            "--to",
            `lancedb://${dir}/w${workers}/t`,
            "--concurrency",
            String(CONCURRENCY),
            "--exit-when-empty",
          ]).output()),
      );
      outs.forEach((o) => check("worker", o));
    });
    return { submit, work };
  } finally {
    await server.stop();
  }
};

const one = await queued(1);
const two = await queued(2);
const result = {
  sentences: N,
  chunk: CHUNK,
  pipeline,
  concurrency: CONCURRENCY,
  threads: flags.threads === undefined ? null : Number(flags.threads),
  plainPerSecond: N / plain.wall,
  plainUpsertPerSecond: N / upsert.wall,
  plainPairPerSecond: N / pair.wall,
  pairSpeedup: plain.wall / pair.wall,
  oneWorkerPerSecond: N / one.work.wall,
  twoWorkersPerSecond: N / two.work.wall,
  submitSeconds: one.submit,
  speedup: one.work.wall / two.work.wall,
  overhead: one.work.wall / plain.wall,
  overheadVsUpsert: one.work.wall / upsert.wall,
  cpuPerWall: {
    plain: plain.cpu / plain.wall,
    plainUpsert: upsert.cpu / upsert.wall,
    plainPair: pair.cpu / pair.wall,
    oneWorker: one.work.cpu / one.work.wall,
    twoWorkers: two.work.cpu / two.work.wall,
  },
  cpuSeconds: {
    plain: plain.cpu,
    plainUpsert: upsert.cpu,
    plainPair: pair.cpu,
    oneWorker: one.work.cpu,
    twoWorkers: two.work.cpu,
  },
};
if (flags.json) console.log(JSON.stringify(result));
else {
  const r = (x: number) => Math.round(x).toLocaleString("en");
  const c = (k: keyof typeof result.cpuPerWall) =>
    `CPU/wall ${result.cpuPerWall[k].toFixed(2)}`;
  console.log(
    `${N.toLocaleString("en")} sentences, ${pipeline}, chunks of ${CHUNK}, ` +
      `${CONCURRENCY} in flight per worker` +
      (flags.threads === undefined ? "" : `, SENTEMB_THREADS=${flags.threads}`),
  );
  console.log(
    `embed, new table        ${r(result.plainPerSecond)} sentences/s  ${
      c("plain")
    }`,
  );
  console.log(
    `embed, upserting        ${r(result.plainUpsertPerSecond)} sentences/s  ${
      c("plainUpsert")
    }`,
  );
  console.log(
    `embed, 2 halves at once ${r(result.plainPairPerSecond)} sentences/s  ${
      c("plainPair")
    }  (speed-up ${
      result.pairSpeedup.toFixed(2)
    }x: a second process's gain here)`,
  );
  console.log(
    `ingest, 1 worker        ${r(result.oneWorkerPerSecond)} sentences/s  ${
      c("oneWorker")
    }  (overhead ${result.overhead.toFixed(2)}x; vs upserting ${
      result.overheadVsUpsert.toFixed(2)
    }x)`,
  );
  console.log(
    `ingest, 2 workers       ${r(result.twoWorkersPerSecond)} sentences/s  ${
      c("twoWorkers")
    }  (speed-up ${result.speedup.toFixed(2)}x)`,
  );
  console.log(`ingest submit           ${result.submitSeconds.toFixed(1)} s`);
}
await Deno.remove(dir, { recursive: true }).catch(() => {});
