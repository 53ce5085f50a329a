/**
 * Cold start of the HTTP entry (`deno task serve`, `edge/serve.ts`): process
 * spawn → first vector answered over HTTP, for the default static pipeline
 * and a transformer pipeline, with the derived-graph cache (`SENTEMB_CACHE`)
 * warm (a folder an earlier start filled) or cold (a fresh empty folder);
 * medians of a few starts; and the static pipeline on the deployment
 * itself, `edge/deploy.ts` bundled into one file. And the bytes a deployment of `edge/deploy.ts`
 * ships: its code bundled by `deno bundle`, the static pipeline's artifact,
 * onnxruntime-web's WASM binary and a graph.
 * Alone: `deno run -A bench/cold_start.ts [--runs 3]`.
 * @module
 */
import { fileURLToPath } from "node:url";
import { DEFAULT_PIPELINE, PIPELINES } from "../pipelines/mod.ts";
import { TRANSFORMER_PIPELINE } from "./speed/configs.ts";
import { median } from "./speed/stats.ts";

const root = fileURLToPath(new URL("..", import.meta.url));

/** `cold_start_ms` of `deno task bench --json`: medians, ms. */
export interface ColdStart {
  /**
   * The default static pipeline on the deployment (edge/deploy.ts bundled
   * into one file by `deno bundle`, served by `deno serve`).
   */
  readonly static_bundle: number;
  readonly static_warm: number;
  readonly static_cold: number;
  readonly transformer_warm: number;
  readonly transformer_cold: number;
}

/** `deploy_bytes` of `deno task bench --json`. */
export interface DeployBytes {
  /** `edge/deploy.ts` and its imports, one minified file (onnxruntime-node left out). */
  readonly code: number;
  /** The default static pipeline's statistics artifact. */
  readonly static_artifact: number;
  /** onnxruntime-web's WASM binary (`ort-wasm-simd-threaded.wasm`). */
  readonly ort_wasm: number;
  /** The transformer pipeline's graph (`model.onnx` of the fixture). */
  readonly graph: number;
  /** code + static artifact: a static-only deployment. */
  readonly static_only: number;
  /** static only + ORT WASM + graph. */
  readonly with_transformer: number;
}

/** Everything {@link measureColdStart} reports. */
export interface ColdStartResult {
  readonly cold_start_ms: ColdStart;
  readonly deploy_bytes: DeployBytes;
  readonly cold_start: {
    readonly runs: number;
    readonly pipelines: {
      readonly static: string;
      readonly transformer: string;
    };
    /** Every start, ms. */
    readonly starts_ms: Record<keyof ColdStart, number[]>;
  };
}

/** Where the fixture models are (as `pathsFromEnv` finds them). */
const fixtures = (): string =>
  Deno.env.get("SENTEMB_FIXTURES") ??
    `${Deno.env.get("SENTEMB_CACHE") ?? `${root}.cache`}/models`;

const freePort = (): number => {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
};

/**
 * One start of the server with `cache` as `SENTEMB_CACHE`: ms from spawn to
 * the first 200 answer to an embedding request for `model`.
 */
export const timeFirstVector = async (
  model: string,
  cache: string,
  entry: "serve" | "bundle" = "serve",
  timeoutMs = 300_000,
): Promise<number> => {
  const port = freePort();
  const started = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args: entry === "serve"
      ? [
        "run",
        "--allow-read",
        "--allow-env",
        `--allow-write=${cache}`,
        "--allow-net=127.0.0.1",
        "--allow-sys",
        "--allow-ffi",
        "edge/serve.ts",
        "--port",
        String(port),
        // The first request waits for its pipeline to load: no deadline.
        "--timeout-ms",
        String(timeoutMs),
      ]
      // The deployment: edge/deploy.ts bundled into one file, `deno serve`d.
      : [
        "serve",
        "--allow-read",
        "--allow-env",
        "--allow-net=127.0.0.1",
        "--allow-sys",
        "--host",
        "127.0.0.1",
        "--port",
        String(port),
        BUNDLE,
      ],
    cwd: root,
    env: {
      SENTEMB_CACHE: cache,
      // Fixtures stay where `deno task fixture` wrote them.
      SENTEMB_FIXTURES: fixtures(),
    },
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const stderr = child.stderr.pipeThrough(new TextDecoderStream());
  let log = "";
  const drained = (async () => {
    for await (const chunk of stderr) log += chunk;
  })();
  try {
    while (performance.now() - started < timeoutMs) {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/v1/embeddings`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ model, input: "A cold start." }),
        });
        const body = await res.json();
        const ms = performance.now() - started;
        if (res.ok && body.data?.[0]?.embedding?.length > 0) return ms;
        throw new Error(`${model}: ${res.status} ${JSON.stringify(body)}`);
      } catch (e) {
        if (!(e instanceof TypeError)) throw e; // not listening yet
        await new Promise((r) => setTimeout(r, 5));
      }
    }
    throw new Error(`${model}: no vector in ${timeoutMs} ms\n${log}`);
  } finally {
    child.kill("SIGTERM");
    await child.status;
    await drained;
  }
};

const size = (path: string): number => Deno.statSync(path).size;

// Under .cache, one folder below the project like edge/: the bundle finds
// the project's artifacts/ where edge/deploy.ts does.
const BUNDLE = `${root}.cache/deploy_bundle.js`;

/** What `edge/deploy.ts` ships, in bytes (code bundled into `.cache`). */
export const deployBytes = async (): Promise<DeployBytes> => {
  const out = BUNDLE;
  const bundled = await new Deno.Command(Deno.execPath(), {
    args: [
      "bundle",
      "--platform",
      "deno",
      "--minify",
      // The native addon: the edge runs onnxruntime-web (and cannot load it).
      "--external",
      "onnxruntime-node",
      "-o",
      out,
      "edge/deploy.ts",
    ],
    cwd: root,
    stdout: "null",
    stderr: "piped",
  }).output();
  if (!bundled.success) {
    throw new Error(new TextDecoder().decode(bundled.stderr));
  }
  const spec = PIPELINES.find((p) => p.name === DEFAULT_PIPELINE)!;
  const code = size(out);
  const staticArtifact = size(`${root}artifacts/${spec.artifact}.semb`);
  const ortWasm = size(
    fileURLToPath(
      import.meta.resolve("onnxruntime-web").replace(
        /\/dist\/.*$/,
        "/dist/ort-wasm-simd-threaded.wasm",
      ),
    ),
  );
  const graph = size(`${fixtures()}/random-bert-base/onnx/model.onnx`);
  return {
    code,
    static_artifact: staticArtifact,
    ort_wasm: ortWasm,
    graph,
    static_only: code + staticArtifact,
    with_transformer: code + staticArtifact + ortWasm + graph,
  };
};

/**
 * `runs` starts per configuration: a cold start in a fresh cache folder,
 * then a warm start reusing that folder, alternating static and transformer.
 */
export const measureColdStart = async (
  runs: number,
  log: (msg: string) => void = () => {},
): Promise<ColdStartResult> => {
  const deploy = await deployBytes();
  const starts: Record<keyof ColdStart, number[]> = {
    static_bundle: [],
    static_warm: [],
    static_cold: [],
    transformer_warm: [],
    transformer_cold: [],
  };
  const pipelines = {
    static: DEFAULT_PIPELINE,
    transformer: TRANSFORMER_PIPELINE,
  } as const;
  const base = `${root}.cache`;
  Deno.mkdirSync(base, { recursive: true });
  for (let r = 0; r < runs; r++) {
    for (const kind of ["static", "transformer"] as const) {
      const cache = Deno.makeTempDirSync({ dir: base, prefix: "cold-start-" });
      try {
        starts[`${kind}_cold`].push(
          await timeFirstVector(pipelines[kind], cache),
        );
        starts[`${kind}_warm`].push(
          await timeFirstVector(pipelines[kind], cache),
        );
      } finally {
        Deno.removeSync(cache, { recursive: true });
      }
      if (kind === "static") {
        const cache = Deno.makeTempDirSync({
          dir: base,
          prefix: "cold-start-",
        });
        try {
          starts.static_bundle.push(
            await timeFirstVector(pipelines.static, cache, "bundle"),
          );
        } finally {
          Deno.removeSync(cache, { recursive: true });
        }
      }
      log(
        `cold start ${r + 1}/${runs} ${kind}: cold ${
          starts[`${kind}_cold`][r].toFixed(0)
        } ms, warm ${starts[`${kind}_warm`][r].toFixed(0)} ms`,
      );
    }
  }
  return {
    cold_start_ms: {
      static_bundle: median(starts.static_bundle),
      static_warm: median(starts.static_warm),
      static_cold: median(starts.static_cold),
      transformer_warm: median(starts.transformer_warm),
      transformer_cold: median(starts.transformer_cold),
    },
    deploy_bytes: deploy,
    cold_start: { runs, pipelines, starts_ms: starts },
  };
};

if (import.meta.main) {
  const i = Deno.args.indexOf("--runs");
  const runs = i >= 0 ? Number(Deno.args[i + 1]) : 3;
  const r = await measureColdStart(runs, (m) => console.error(m));
  console.log(JSON.stringify(r, null, 2));
}
