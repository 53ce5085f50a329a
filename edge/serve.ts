import { Effect, ManagedRuntime } from "effect";
import { PIPELINES } from "../pipelines/mod.ts";
import { parseFlags } from "../src/cli/args.ts";
import {
  MODEL_FLAGS,
  MODEL_USAGE,
  modelRecipeFlag,
} from "../src/cli/model_recipe.ts";
import { PathsFromEnv, pathsFromEnv } from "../src/paths.ts";
import { resolvePipelines } from "../src/pipeline/pipeline_source.ts";
import { servicesLayer } from "../src/services.ts";
import { makeEmbeddingService } from "../src/serve/embedding_service.ts";
import {
  DEFAULT_SERVE_CONFIG,
  type ServeConfig,
} from "../src/serve/serve_config.ts";
import { defaultPoolSize, workerPool } from "../src/serve/worker_pool.ts";
import { createApp } from "./app.ts";
import { guardConnections } from "./conn_guard.ts";

const USAGE = `Usage: deno task serve [--port 8787] [--host 127.0.0.1]
       [--no-batching] [--max-wait-ms 2] [--over-length reject|truncate]
       [--backend native|wasm] [--pipelines FILE[,FILE...]] [--only]
       [--model REF --recipe NAME]
       [--cors ORIGIN[,ORIGIN...]|*] [--timeout-ms 30000] [--queue 64]
       [--warm] [--workers N] [--header-timeout-ms 10000]
       [--body-timeout-ms 10000] [--idle-timeout-ms 75000]
       [--max-connections 1024]

Serves every non-transductive pipeline over an OpenAI-compatible API:
POST /v1/embeddings, POST /v1/similarity, GET /v1/models, GET /healthz,
GET /metrics, and a demo page at /.
--pipelines  also serve your own pipelines: .json or .ts files (default
             export: a pipeline or an array) or catalogue names, comma-separated;
             their artifacts are looked for beside the files
--only       serve just those (and --model's), not the catalogue
With --model REF --recipe NAME it also serves that recipe applied to the model,
as \`deno task embed --model REF --recipe NAME\` embeds (its id is printed at
start and listed by /v1/models):
${MODEL_USAGE}
--cors       allow cross-origin requests from these origins (off by default)
--timeout-ms each request's deadline (504 after)
--queue      requests one pipeline holds at once (429 overloaded above)
--workers    embed in N worker threads, off the event loop (default: cores
             less one, at least 1; 0 embeds on the event loop, micro-batched)
--header-timeout-ms  a request's head must arrive within this (the
             connection is closed after; 0 turns the connection front off and
             leaves connections to Deno.serve alone, which has no such limit)
--body-timeout-ms    a request's body must arrive within this (408 after)
--idle-timeout-ms    connections quiet both ways this long are closed
--max-connections    connections open at once (503 and closed above)
--warm       load every pipeline at start (writes their graphs to .cache):
             /v1/models then tells which can run and their dimensions`;

const flags = parseFlags(Deno.args, {
  port: { type: "string" },
  host: { type: "string" },
  "no-batching": { type: "boolean" },
  "max-wait-ms": { type: "string" },
  "over-length": { type: "string" },
  backend: { type: "string" },
  pipelines: { type: "string" },
  only: { type: "boolean" },
  cors: { type: "string" },
  "timeout-ms": { type: "string" },
  queue: { type: "string" },
  warm: { type: "boolean" },
  workers: { type: "string" },
  ...MODEL_FLAGS,
  "header-timeout-ms": { type: "string" },
  "body-timeout-ms": { type: "string" },
  "idle-timeout-ms": { type: "string" },
  "max-connections": { type: "string" },
  help: { type: "boolean" },
}, USAGE);

const int = (value: string | undefined, fallback: number, name: string) => {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) {
    console.error(`--${name} must be a non-negative integer, got "${value}"`);
    Deno.exit(2);
  }
  return n;
};
const overLength = flags["over-length"] ?? DEFAULT_SERVE_CONFIG.overLength;
if (overLength !== "reject" && overLength !== "truncate") {
  console.error(
    `--over-length must be reject or truncate, got "${overLength}"`,
  );
  Deno.exit(2);
}
const backend = flags.backend ?? "native";
if (backend !== "native" && backend !== "wasm") {
  console.error(`--backend must be native or wasm, got "${backend}"`);
  Deno.exit(2);
}
const config: ServeConfig = {
  ...DEFAULT_SERVE_CONFIG,
  batching: !flags["no-batching"],
  maxWaitMs: int(
    flags["max-wait-ms"],
    DEFAULT_SERVE_CONFIG.maxWaitMs,
    "max-wait-ms",
  ),
  overLength,
  timeoutMs: int(
    flags["timeout-ms"],
    DEFAULT_SERVE_CONFIG.timeoutMs,
    "timeout-ms",
  ),
  bodyTimeoutMs: int(
    flags["body-timeout-ms"],
    DEFAULT_SERVE_CONFIG.bodyTimeoutMs,
    "body-timeout-ms",
  ),
  maxQueue: int(flags.queue, DEFAULT_SERVE_CONFIG.maxQueue, "queue"),
  corsOrigins: (flags.cors ?? "").split(",").map((o) => o.trim()).filter((
    o,
  ) => o !== ""),
};
// A runtime that lives as long as the server: pipelines loaded on first use
// keep their ORT sessions until the process ends.
const exit = await Effect.runPromiseExit(
  Effect.all([
    Effect.forEach(
      (flags.pipelines ?? "").split(",").filter((r) => r !== ""),
      (ref) => resolvePipelines(ref, PIPELINES),
    ),
    flags.model !== undefined || flags.recipe !== undefined
      ? Effect.map(modelRecipeFlag(flags), (s) => [[s]])
      : Effect.succeed([]),
  ]).pipe(
    Effect.map(([files, recipe]) => [...files, ...recipe]),
    Effect.provide(PathsFromEnv),
  ),
);
if (exit._tag === "Failure") {
  console.error(`error: ${String(exit.cause)}`);
  Deno.exit(1);
}
const own = exit.value.flat();
if (flags.only && own.length === 0) {
  console.error("--only needs --pipelines or --model");
  Deno.exit(2);
}
const names = new Set(own.map((s) => s.spec.name));
if (flags.model !== undefined) {
  console.error(
    `serving --model ${flags.model} --recipe ${flags.recipe ?? "mean"} as "${
      own[own.length - 1].spec.name
    }"`,
  );
}
const registry = [
  ...own.map((s) => s.spec),
  // The user's pipelines win over catalogue ones of the same name.
  ...(flags.only ? [] : PIPELINES.filter((p) => !names.has(p.name))),
];
const paths = pathsFromEnv();
const runtime = ManagedRuntime.make(servicesLayer({
  ...paths,
  artifactSearch: [...new Set(own.flatMap((s) => (s.dir ? [s.dir] : [])))],
}, backend));
const workers = int(flags.workers, defaultPoolSize(), "workers");
const pool = workers > 0
  ? workerPool(workers, {
    registry,
    paths: {
      ...paths,
      artifactSearch: [...new Set(own.flatMap((s) => (s.dir ? [s.dir] : [])))],
    },
    backend,
    config,
  })
  : undefined;
const service = await runtime.runPromise(
  makeEmbeddingService(registry, config, pool),
);
const app = createApp(service);
if (flags.warm) {
  // In the background: the server answers meanwhile (those loading show as
  // such in /v1/models).
  runtime.runPromise(service.warm).then(() =>
    console.error(
      `warm: ${
        service.models.filter((m) =>
          service.availability(m.id).availability === "ready"
        ).length
      } of ${service.models.length} pipelines ready`,
    )
  );
}
const port = int(flags.port, 8787, "port");
const hostname = flags.host ?? "127.0.0.1";
const headerTimeoutMs = int(
  flags["header-timeout-ms"],
  10_000,
  "header-timeout-ms",
);
const announce = (host: string, port: number) =>
  console.error(
    `sentemb serving on http://${host}:${port} (${
      pool
        ? `${pool.size} workers`
        : `batching ${config.batching ? "on" : "off"}`
    })`,
  );
if (headerTimeoutMs === 0) {
  Deno.serve({
    port,
    hostname,
    onListen: ({ hostname, port }) => announce(hostname, port),
  }, app.fetch);
} else {
  // Deno.serve has no header or idle timeout and no connection cap: it
  // listens on loopback behind a front that enforces them (edge/conn_guard.ts).
  const inner = Deno.serve(
    { port: 0, hostname: "127.0.0.1", onListen: () => {} },
    app.fetch,
  );
  const guard = guardConnections({
    hostname,
    port,
    upstreamPort: inner.addr.port,
    headerTimeoutMs,
    bodyTimeoutMs: config.bodyTimeoutMs,
    idleTimeoutMs: int(flags["idle-timeout-ms"], 75_000, "idle-timeout-ms"),
    maxConnections: int(flags["max-connections"], 1024, "max-connections"),
    maxHeaderBytes: 64 * 1024,
  });
  announce(hostname, guard.port);
}
