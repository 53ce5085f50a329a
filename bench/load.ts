/**
 * `deno task load`: a bounded load test of the edge server. Starts
 * `edge/serve.ts` as a child process in each mode (worker pool; event loop
 * with micro-batching; event loop without), drives it with concurrent clients
 * for a fixed time, and prints requests/s, latency percentiles, errors and
 * the server's peak RSS. `--wrk` also drives a fresh server in each mode with
 * Debian's `wrk` (an independent generator, bench/wrk_embeddings.lua sends
 * the same bodies), side by side.
 */
import { DEFAULT_PIPELINE } from "../pipelines/mod.ts";
import { parseFlags } from "../src/cli/args.ts";

const MODES = {
  pool: { label: "worker pool", args: [] as string[] },
  batching: { label: "event loop, batching", args: ["--workers=0"] },
  "no-batching": {
    label: "event loop, no batching",
    args: ["--workers=0", "--no-batching"],
  },
};
type Mode = keyof typeof MODES;

const USAGE = `Usage: deno task load [--clients 64] [--seconds 30]
       [--pipeline ${DEFAULT_PIPELINE}] [--inputs 1] [--json]
       [--modes pool,batching,no-batching] [--wrk]

--modes  server settings to run: pool (embedding in worker threads, the
         default size), batching (on the event loop, micro-batched),
         no-batching (on the event loop, one request at a time)
--wrk    also load each with Debian's wrk (apt-get install wrk), the same
         request bodies (bench/wrk_embeddings.lua), as many connections`;
const flags = parseFlags(Deno.args, {
  clients: { type: "string" },
  seconds: { type: "string" },
  pipeline: { type: "string" },
  inputs: { type: "string" },
  json: { type: "boolean" },
  modes: { type: "string" },
  wrk: { type: "boolean" },
  help: { type: "boolean" },
}, USAGE);
const clients = Number(flags.clients ?? 64);
const seconds = Number(flags.seconds ?? 30);
const inputs = Number(flags.inputs ?? 1);
const pipeline = flags.pipeline ?? DEFAULT_PIPELINE;
const modes = (flags.modes ?? "pool,batching,no-batching").split(",");
for (const m of modes) {
  if (!(m in MODES)) {
    console.error(`unknown mode "${m}"\n${USAGE}`);
    Deno.exit(2);
  }
}

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

interface Result {
  readonly mode: Mode;
  readonly generator: "deno" | "wrk";
  readonly requests: number;
  readonly requests_per_s: number;
  readonly p50_ms: number;
  readonly p99_ms: number;
  readonly errors: number;
  readonly peak_rss_mib: number;
}

// A fresh server per run, so its peak RSS is that run's.
const withServer = async (
  mode: Mode,
  port: number,
  body: (base: string) => Promise<Omit<Result, "peak_rss_mib">>,
): Promise<Result> => {
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
      ...MODES[mode].args,
    ],
    stdout: "null",
    stderr: "null",
  }).spawn();
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitHealthy(base);
    // Warm-up: loads the pipeline (corpus statistics) in every worker
    // before timing.
    await Promise.all(Array.from({ length: 8 }, async () => {
      const warm = await fetch(`${base}/v1/embeddings`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: pipeline, input: [SENTENCES[0]] }),
      });
      if (!warm.ok) throw new Error(`warm-up failed: ${await warm.text()}`);
      await warm.body?.cancel();
    }));
    const result = await body(base);
    return { ...result, peak_rss_mib: (await peakRssKiB(server.pid)) / 1024 };
  } finally {
    server.kill("SIGTERM");
    await server.status;
  }
};

const runDeno = (mode: Mode, port: number) =>
  withServer(mode, port, async (base) => {
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
      mode,
      generator: "deno" as const,
      requests: latencies.length,
      requests_per_s: latencies.length / elapsed,
      p50_ms: percentile(sorted, 0.5),
      p99_ms: percentile(sorted, 0.99),
      errors,
    };
  });

// wrk prints latencies with their unit: 812.00us, 19.61ms, 1.02s.
const wrkMs = (text: string) => {
  const m = text.match(/^([\d.]+)(us|ms|s|m)$/);
  if (!m) return NaN;
  return Number(m[1]) * { us: 1e-3, ms: 1, s: 1e3, m: 6e4 }[m[2] as "us"];
};

const runWrk = (mode: Mode, port: number) =>
  withServer(mode, port, async (base) => {
    const out = await new Deno.Command("wrk", {
      args: [
        `-t${Math.min(clients, Math.max(1, navigator.hardwareConcurrency))}`,
        `-c${clients}`,
        `-d${seconds}s`,
        "--latency",
        // As long as the server's deadline: wrk's own 2 s default counts
        // slow answers as errors that deno task load would wait for.
        "--timeout",
        "30s",
        "-s",
        "bench/wrk_embeddings.lua",
        base,
        "--",
        pipeline,
        String(inputs),
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stdout);
    if (!flags.json) console.error(text);
    if (!out.success) {
      throw new Error(`wrk failed: ${new TextDecoder().decode(out.stderr)}`);
    }
    const socket = text.match(
      /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/,
    );
    return {
      mode,
      generator: "wrk" as const,
      requests: Number(text.match(/(\d+) requests in/)?.[1] ?? NaN),
      requests_per_s: Number(text.match(/Requests\/sec:\s+([\d.]+)/)?.[1]),
      p50_ms: wrkMs(text.match(/^\s+50%\s+(\S+)/m)?.[1] ?? ""),
      p99_ms: wrkMs(text.match(/^\s+99%\s+(\S+)/m)?.[1] ?? ""),
      errors: Number(text.match(/Non-2xx or 3xx responses: (\d+)/)?.[1] ?? 0) +
        (socket ? socket.slice(1).reduce((a, b) => a + Number(b), 0) : 0),
    };
  });

const results: Result[] = [];
for (const [i, mode] of (modes as Mode[]).entries()) {
  results.push(await runDeno(mode, 8791 + 2 * i));
  if (flags.wrk) results.push(await runWrk(mode, 8792 + 2 * i));
}
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
    "| server | generator | requests/s | p50 ms | p99 ms | errors | peak RSS MiB |",
  );
  console.log("|---|---|---:|---:|---:|---:|---:|");
  for (const r of results) {
    console.log(
      `| ${MODES[r.mode].label} | ${
        r.generator === "wrk" ? "wrk" : "deno task load"
      } | ${r.requests_per_s.toFixed(0)} | ${r.p50_ms.toFixed(1)} | ${
        r.p99_ms.toFixed(1)
      } | ${r.errors} | ${r.peak_rss_mib.toFixed(0)} |`,
    );
  }
}
