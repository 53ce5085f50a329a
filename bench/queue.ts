import { Effect } from "effect";
import { DEFAULT_PIPELINE } from "../pipelines/mod.ts";
import { parseFlags } from "../src/cli/args.ts";
import { loadGeneralCorpus } from "../src/corpus/general_corpus.ts";
import { pathsFromEnv } from "../src/paths.ts";

const USAGE =
  `Usage: deno task bench:queue [--sentences N] [--chunk N] [--pipeline NAME|FILE] [--json]

Queue benchmark: N sentences of the general corpus (default 50,000), into a
LanceDB table three ways, each a child process timed by its wall clock
(load, embed, write): plain streaming \`deno task embed --to lancedb://\`,
then \`ingest worker\` with 1 and with 2 worker processes (one chunk in flight
each) on chunks of --chunk sentences (default 1,000) that \`ingest submit\`
put on a \`nats-server -js\` of its own (127.0.0.1, a free port, a temporary
store). Reports sentences/s, the 2-worker speed-up and the queue path's
overhead over plain embed. Default pipeline: ${DEFAULT_PIPELINE}.`;

const flags = parseFlags(Deno.args, {
  sentences: { type: "string" },
  chunk: { type: "string" },
  pipeline: { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean" },
}, USAGE);

const N = Number(flags.sentences ?? 50_000);
const CHUNK = Number(flags.chunk ?? 1000);
const pipeline = flags.pipeline ?? DEFAULT_PIPELINE;
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

await Deno.remove(dir, { recursive: true }).catch(() => {});
await Deno.mkdir(dir, { recursive: true });
const corpus = await Effect.runPromise(
  loadGeneralCorpus(pathsFromEnv().data, N),
);
const input = `${dir}/in.txt`;
await Deno.writeTextFile(
  input,
  Array.from(
    { length: N },
    (_, i) => corpus[i % corpus.length].replace(/\s+/g, " "),
  ).join("\n") + "\n",
);

const plain = await seconds(async () => {
  check(
    "embed",
    await deno("src/cli/embed.ts", [
      "--pipeline",
      pipeline,
      "--input",
      input,
      "--to",
      `lancedb://${dir}/plain/t`,
    ]).output(),
  );
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
    const work = await seconds(async () => {
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
            "1",
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
  plainPerSecond: N / plain,
  oneWorkerPerSecond: N / one.work,
  twoWorkersPerSecond: N / two.work,
  submitSeconds: one.submit,
  speedup: one.work / two.work,
  overhead: one.work / plain,
};
if (flags.json) console.log(JSON.stringify(result));
else {
  const r = (x: number) => Math.round(x).toLocaleString("en");
  console.log(
    `${N.toLocaleString("en")} sentences, ${pipeline}, chunks of ${CHUNK}`,
  );
  console.log(
    `embed --to lancedb      ${r(result.plainPerSecond)} sentences/s`,
  );
  console.log(
    `ingest, 1 worker        ${
      r(result.oneWorkerPerSecond)
    } sentences/s (overhead ${result.overhead.toFixed(2)}x)`,
  );
  console.log(
    `ingest, 2 workers       ${
      r(result.twoWorkersPerSecond)
    } sentences/s (speed-up ${result.speedup.toFixed(2)}x)`,
  );
  console.log(`ingest submit           ${result.submitSeconds.toFixed(1)} s`);
}
await Deno.remove(dir, { recursive: true }).catch(() => {});
