/**
 * The edge app on Cloudflare's workerd: the same Hono app as `deploy.ts`,
 * over a service with no filesystem. Static pipelines assemble from
 * artifacts bundled as `data` modules, their SIMD kernel arrives as a
 * precompiled `wasm` module (workerd refuses to compile bytes at run
 * time), and transformer pipelines answer 503 with the measured sizes that
 * keep them off. Nothing here runs at module load: the service is built on
 * the first request (workerd allows no timers or randomness at global
 * scope). `build.ts` bundles this file and writes the config around it.
 */
import type { Hono } from "hono";
import { PIPELINES } from "../../pipelines/mod.ts";
import { planOf } from "../../src/pipeline/plan.ts";
import type { PipelineSpec } from "../../src/pipeline/spec.ts";
import { makePortableService } from "../../src/serve/portable_service.ts";
import { DEFAULT_SERVE_CONFIG } from "../../src/serve/serve_config.ts";
import {
  provideRowKernel,
  rowKernelSource,
} from "../../src/static/row_arena.ts";
import { createApp } from "../app.ts";

/** What `build.ts` measured on the build host, for the transformer 503. */
export interface MeasuredSizes {
  /** onnxruntime-web's WASM binary the page loads, and its size. */
  readonly ortWasm: { readonly file: string; readonly bytes: number };
  /** Each transformer pipeline's graph (weights included), where present. */
  readonly graphs: Readonly<Record<string, number>>;
}

/** What the workerd config binds as modules beside the bundle. */
export interface WorkerdModules {
  /** `row_kernel.wasm`, compiled by workerd when the worker loads. */
  readonly kernel?: WebAssembly.Module;
  /** Artifact bytes by hash (`data` modules). */
  readonly artifacts: Readonly<Record<string, ArrayBuffer>>;
  /** Sizes measured at build time. */
  readonly sizes: MeasuredSizes;
}

/** Cloudflare's limit on one static asset (and far above a Worker's own). */
const ASSET_LIMIT = 25 * 1024 * 1024;

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/** Why a transformer pipeline answers 503 here, with the sizes measured. */
export const transformerReason = (
  sizes: MeasuredSizes,
  spec: PipelineSpec,
): string => {
  const graph = sizes.graphs[spec.name];
  const model = planOf(spec).vectors;
  const graphText = graph === undefined
    ? `the graph of "${
      model._tag === "transformer" ? model.model : spec.name
    }" was not on the build host to measure`
    : `its graph is ${mib(graph)} (${
      graph > ASSET_LIMIT ? "over" : "under"
    } Cloudflare's 25 MiB asset limit; ${
      mib(graph + sizes.ortWasm.bytes)
    } with the runtime)`;
  return `transformer pipelines need onnxruntime-web, which is not loaded as a module binding on workerd: its WASM (${sizes.ortWasm.file}, ${
    mib(sizes.ortWasm.bytes)
  }) is compiled at run time, which workerd refuses, and ${graphText}; static pipelines run here`;
};

/** The workerd `fetch` handler over the bound modules. */
export const workerdHandler = (
  modules: WorkerdModules,
): { fetch(request: Request): Promise<Response> } => {
  let app: Hono | undefined;
  const start = (): Hono => {
    if (modules.kernel) provideRowKernel(modules.kernel);
    const service = makePortableService(PIPELINES, {
      runtime: "workerd",
      artifacts: new Map(
        Object.entries(modules.artifacts).map((
          [hash, bytes],
        ) => [hash, new Uint8Array(bytes)]),
      ),
      transformers: (spec) => transformerReason(modules.sizes, spec),
    }, {
      ...DEFAULT_SERVE_CONFIG,
      // A batch would resolve one request's promise from another's
      // context, which workerd does not allow: each request embeds alone.
      batching: false,
    });
    return createApp(service);
  };
  return {
    fetch: async (request) => {
      app ??= start();
      if (new URL(request.url).pathname === "/healthz") {
        await Promise.resolve();
        return Response.json({
          status: "ok",
          runtime: "workerd",
          row_kernel: rowKernelSource(),
        });
      }
      return await app.fetch(request);
    },
  };
};
