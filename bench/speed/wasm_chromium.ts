/// <reference lib="dom" />
/**
 * onnxruntime-web's WASM backend in headless Chromium, for the WASM sweep:
 * a page served cross-origin isolated (COOP/COEP, so `SharedArrayBuffer`
 * and threads are on) loads `ort.wasm.min.mjs` and the graph from a local
 * server, builds the batches' tensors once, and times each pass in the
 * page (`performance.now()`), so the browser's own clock measures the
 * browser's WASM. Needs `deno run -A`: playwright reads /proc at load.
 */
import { chromium } from "playwright-core";
import { fileURLToPath } from "node:url";
import { localWasmPaths } from "../../src/forward/wasm_backend.ts";
import { chromiumPath } from "./chromium_path.ts";
import type { Batch } from "./wasm_batches.ts";
import type { Pass } from "./wasm_pairing.ts";
import type { WasmSetting } from "./wasm_setting.ts";

/** A graph's session in a Chromium page, ready to time passes. */
export interface ChromiumWasm {
  /** One pass over every batch, timed in the page; CPU of the browser's processes. */
  readonly pass: () => Promise<Pass>;
  /** The first batch's `last_hidden_state`, as the page returned it. */
  readonly first: Float32Array;
  /** `env.wasm.numThreads` after the session opened. */
  readonly threads: number;
  /** The page's `crossOriginIsolated`. */
  readonly isolated: boolean;
  readonly userAgent: string;
  readonly close: () => Promise<void>;
}

const PAGE =
  `<!doctype html><meta charset="utf-8"><title>sentemb WASM sweep</title>
<script type="module">
import * as ort from "/ort/ort.wasm.min.mjs";
globalThis.ort = ort;
document.body.dataset.ready = "1";
</script><body></body>`;

const isolation = {
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-embedder-policy": "require-corp",
  "cross-origin-resource-policy": "same-origin",
};

const types: Record<string, string> = {
  mjs: "text/javascript; charset=utf-8",
  wasm: "application/wasm",
};

// The page, onnxruntime-web's dist files and the graph, all same-origin.
const serve = (graph: string) => {
  const dist = fileURLToPath(localWasmPaths());
  return Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async (req) => {
      const path = new URL(req.url).pathname;
      const headers = { ...isolation };
      if (path === "/") {
        return new Response(PAGE, {
          headers: { ...headers, "content-type": "text/html; charset=utf-8" },
        });
      }
      const file = path === "/graph.onnx"
        ? graph
        : /^\/ort\/[\w.-]+\.(mjs|wasm)$/.test(path)
        ? `${dist}${path.slice(5)}`
        : undefined;
      if (file === undefined) return new Response("not found", { status: 404 });
      const ext = file.split(".").pop() ?? "";
      const f = await Deno.open(file);
      return new Response(f.readable, {
        headers: {
          ...headers,
          "content-type": types[ext] ?? "application/octet-stream",
        },
      });
    },
  );
};

// CPU ms of a process's descendants, not itself (/proc, ticks at 100 Hz):
// for this process, the browser's.
const descendantsCpuMs = (root: number): number => {
  const stats = new Map<number, { ppid: number; ticks: number }>();
  for (const e of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(e.name)) continue;
    try {
      const s = Deno.readTextFileSync(`/proc/${e.name}/stat`);
      const f = s.slice(s.lastIndexOf(")") + 2).split(" ");
      stats.set(Number(e.name), {
        ppid: Number(f[1]),
        ticks: Number(f[11]) + Number(f[12]),
      });
    } catch {
      // The process ended while we read.
    }
  }
  let ticks = 0;
  for (const s of stats.values()) {
    for (let p = s.ppid; p > 1; p = stats.get(p)?.ppid ?? 0) {
      if (p === root) {
        ticks += s.ticks;
        break;
      }
    }
  }
  return ticks * 10;
};

interface PageSetup {
  readonly s: WasmSetting;
  readonly longest: number;
  readonly batches: ReadonlyArray<
    { dims: number[]; ids: number[]; mask: number[] }
  >;
}

// Runs in the page: the session, the tensors, and `sweepPass`.
const setupInPage = async ({ s, longest, batches }: PageSetup) => {
  // deno-lint-ignore no-explicit-any
  const g = globalThis as any;
  const ort = g.ort;
  const stem = s.binary ?? "ort-wasm-simd-threaded";
  ort.env.wasm.wasmPaths = {
    mjs: `/ort/${stem}.mjs`,
    wasm: `/ort/${stem}.wasm`,
  };
  if (s.threads !== undefined) ort.env.wasm.numThreads = s.threads;
  if (s.simd !== undefined) ort.env.wasm.simd = s.simd;
  const session = await ort.InferenceSession.create("/graph.onnx", {
    executionProviders: ["wasm"],
    graphOptimizationLevel: s.opt ?? "all",
    executionMode: s.mode ?? "sequential",
    ...(s.overrides && s.uniform !== undefined
      ? {
        freeDimensionOverrides: {
          batch_size: s.uniform,
          sequence_length: longest,
        },
      }
      : {}),
  });
  const big = (xs: number[]) => BigInt64Array.from(xs, (x) => BigInt(x));
  const inputs = batches.map((b) => ({
    input_ids: new ort.Tensor("int64", big(b.ids), b.dims),
    attention_mask: new ort.Tensor("int64", big(b.mask), b.dims),
    token_type_ids: new ort.Tensor(
      "int64",
      new BigInt64Array(b.ids.length),
      b.dims,
    ),
  }));
  const hidden = (await session.run(inputs[0], ["last_hidden_state"]))
    .last_hidden_state.dims[2];
  const outputs = batches.map((b) => ({
    last_hidden_state: new ort.Tensor(
      "float32",
      new Float32Array(b.dims[0] * b.dims[1] * hidden),
      [...b.dims, hidden],
    ),
  }));
  const run = (i: number) =>
    session.run(
      inputs[i],
      s.preallocate ? outputs[i] : ["last_hidden_state"],
    );
  g.sweepPass = async () => {
    const t0 = performance.now();
    for (let i = 0; i < inputs.length; i++) await run(i);
    return performance.now() - t0;
  };
  const first = (await run(0)).last_hidden_state.data as Float32Array;
  const bytes = new Uint8Array(
    first.buffer,
    first.byteOffset,
    first.byteLength,
  );
  let bin = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return {
    first: btoa(bin),
    threads: ort.env.wasm.numThreads as number,
    isolated: globalThis.crossOriginIsolated,
    userAgent: navigator.userAgent,
  };
};

/**
 * Opens `graph` in a fresh headless Chromium page with the setting's
 * WASM options and the batches' tensors; `pass` then times one pass there.
 */
export const openChromiumWasm = async (
  graph: string,
  s: WasmSetting,
  batches: ReadonlyArray<Batch>,
  longest: number,
): Promise<ChromiumWasm> => {
  const server = serve(graph);
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    args: ["--no-sandbox", "--headless=new"],
  });
  const close = async () => {
    await browser.close();
    await server.shutdown();
  };
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`http://127.0.0.1:${server.addr.port}/`);
    await page.waitForSelector("body[data-ready='1']", {
      state: "attached",
      timeout: 30_000,
    })
      .catch((e) => {
        throw new Error(`the page did not load: ${errors.join("; ") || e}`);
      });
    const set = await page.evaluate(setupInPage, {
      s,
      longest,
      batches: batches.map((b) => ({
        dims: [...b.dims],
        ids: Array.from(b.ids, Number),
        mask: Array.from(b.mask, Number),
      })),
    });
    const raw = Uint8Array.from(atob(set.first), (c) => c.charCodeAt(0));
    const pass = async (): Promise<Pass> => {
      const c0 = descendantsCpuMs(Deno.pid);
      const t0 = performance.now();
      // deno-lint-ignore no-explicit-any
      const ms = await page.evaluate(() => (globalThis as any).sweepPass());
      const wall = performance.now() - t0;
      const c1 = descendantsCpuMs(Deno.pid);
      return { ms: ms as number, cpu: (c1 - c0) / wall };
    };
    return {
      pass,
      first: new Float32Array(raw.buffer),
      threads: set.threads,
      isolated: set.isolated,
      userAgent: set.userAgent,
      close,
    };
  } catch (e) {
    await close();
    throw e;
  }
};
