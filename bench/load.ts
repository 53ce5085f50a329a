/**
 * `deno task load`: a bounded load test of the edge server. Starts
 * `edge/serve.ts` as a child process (batching on, then off), drives it with
 * concurrent clients for a fixed time, and prints requests/s, latency
 * percentiles, errors and the server's peak RSS.
 */
import { DEFAULT_PIPELINE } from "../pipelines/mod.ts";
import { parseFlags } from "../src/cli/args.ts";

const USAGE = `Usage: deno task load [--clients 64] [--seconds 30]
       [--pipeline ${DEFAULT_PIPELINE}] [--inputs 1] [--json]`;
const flags = parseFlags(Deno.args, {
  clients: { type: "string" },
  seconds: { type: "string" },
  pipeline: { type: "string" },
  inputs: { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean" },
}, USAGE);
const clients = Number(flags.clients ?? 64);
const seconds = Number(flags.seconds ?? 30);
const inputs = Number(flags.inputs ?? 1);
const pipeline = flags.pipeline ?? DEFAULT_PIPELINE;

const SENTENCES = [
  "A man is playing a guitar on the street.",
  "The stock market fell sharply after the announcement.",
  "Two dogs are running through a snowy field.",
  "How do I reset my password?",
  "The committee approved the new budget on Tuesday.",
  "A woman is slicing an onion in the kitchen.",
  "Scientists discovered a new species of frog in the rainforest.",
  "What is the best way to learn a new language?",
];

// Deno gates /proc behind --allow-all; reading it through `cat` needs only
// the --allow-run this script has anyway.
const peakRssKiB = async (pid: number) => {
  const out = await new Deno.Command("cat", { args: [`/proc/${pid}/status`] })
    .output();
  const status = new TextDecoder().decode(out.stdout);
  return Number(status.match(/^VmHWM:\s+(\d+) kB$/m)?.[1] ?? NaN);
};

const waitHealthy = async (base: string) => {
  for (let i = 0; i < 600; i++) {
    try {
      if ((await fetch(`${base}/healthz`)).ok) return;
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("server did not become healthy");
};

const percentile = (sorted: Float64Array, p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];

const run = async (batching: boolean, port: number) => {
  const server = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-read",
      "--allow-env",
      "--allow-net=127.0.0.1",
      "--allow-sys",
      "--allow-ffi",
      "edge/serve.ts",
      `--port=${port}`,
      // Micro-batching is what is compared: on the event loop, no workers.
      "--workers=0",
      ...(batching ? [] : ["--no-batching"]),
    ],
    stdout: "null",
    stderr: "null",
  }).spawn();
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitHealthy(base);
    const request = (i: number) =>
      fetch(`${base}/v1/embeddings`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          model: pipeline,
          input: Array.from(
            { length: inputs },
            (_, k) => SENTENCES[(i + k) % SENTENCES.length],
          ),
        }),
      });
    // Warm-up: loads the pipeline (corpus statistics) before timing.
    const warm = await request(0);
    if (!warm.ok) throw new Error(`warm-up failed: ${await warm.text()}`);
    await warm.body?.cancel();

    const latencies: number[] = [];
    let errors = 0;
    const deadline = performance.now() + seconds * 1000;
    const started = performance.now();
    await Promise.all(Array.from({ length: clients }, async (_, c) => {
      for (let i = c; performance.now() < deadline; i += clients) {
        const t0 = performance.now();
        try {
          const res = await request(i);
          await res.arrayBuffer();
          if (!res.ok) errors++;
        } catch {
          errors++;
        }
        latencies.push(performance.now() - t0);
      }
    }));
    const elapsed = (performance.now() - started) / 1000;
    const sorted = Float64Array.from(latencies).sort();
    return {
      batching,
      requests: latencies.length,
      requests_per_s: latencies.length / elapsed,
      p50_ms: percentile(sorted, 0.5),
      p99_ms: percentile(sorted, 0.99),
      errors,
      peak_rss_mib: (await peakRssKiB(server.pid)) / 1024,
    };
  } finally {
    server.kill("SIGTERM");
    await server.status;
  }
};

const results = [await run(true, 8791), await run(false, 8792)];
const report = {
  pipeline,
  clients,
  seconds,
  inputs_per_request: inputs,
  cores: navigator.hardwareConcurrency,
  deno: Deno.version.deno,
  results,
};
if (flags.json) {
  console.log(JSON.stringify(report));
} else {
  console.log(
    `${pipeline}: ${clients} clients, ${seconds} s each, ${inputs} input(s)/request, ${report.cores} cores\n`,
  );
  console.log(
    "| batching | requests/s | p50 ms | p99 ms | errors | peak RSS MiB |",
  );
  console.log("|---|---:|---:|---:|---:|---:|");
  for (const r of results) {
    console.log(
      `| ${r.batching ? "on" : "off"} | ${r.requests_per_s.toFixed(0)} | ${
        r.p50_ms.toFixed(1)
      } | ${r.p99_ms.toFixed(1)} | ${r.errors} | ${
        r.peak_rss_mib.toFixed(0)
      } |`,
    );
  }
}
