/// <reference lib="dom" />
/**
 * The demo page's script, bundled for the browser by `deno task build:page`:
 * it fetches a pipeline's spec and shipped artifact from the server once,
 * then embeds and compares sentences locally with the same library code the
 * server runs.
 */
import type * as OrtWeb from "onnxruntime-web";
import { cosine, type Embeddings, row } from "../../src/embeddings.ts";
import { ortSession } from "../../src/forward/ort_session.ts";
import {
  loadClientTransformer,
  type PortableEntry,
} from "../../src/pipeline/client_transformer.ts";
import { portableEmbedder } from "../../src/pipeline/portable.ts";

const $ = <T extends HTMLElement>(id: string) =>
  document.getElementById(id) as T;

// Served by the app from the installed onnxruntime-web package; a variable,
// so the bundler leaves it to the browser.
const ORT_URL = "/assets/ort/ort.webgpu.min.mjs";

type Embed = (texts: string[]) => Promise<Embeddings>;
const loaded = new Map<string, { embed: Embed; runtime: string }>();

// WebGPU where the browser has an adapter; WASM otherwise (and as fallback).
const openOrt = async () => {
  const ort = await import(ORT_URL) as typeof OrtWeb;
  ort.env.wasm.wasmPaths = "/assets/ort/";
  // Threads need cross-origin isolation (SharedArrayBuffer).
  ort.env.wasm.numThreads = globalThis.crossOriginIsolated
    ? navigator.hardwareConcurrency
    : 1;
  const gpu = (navigator as { gpu?: { requestAdapter(): Promise<unknown> } })
    .gpu;
  const adapter = gpu ? await gpu.requestAdapter().catch(() => null) : null;
  const providers = adapter ? ["webgpu", "wasm"] : ["wasm"];
  return { ort, providers, threads: ort.env.wasm.numThreads ?? 1 };
};

const embedderFor = async (m: PortableEntry) => {
  let e = loaded.get(m.id);
  if (e) return e;
  if (m.kind === "transformer") {
    const { ort, providers, threads } = await openOrt();
    const client = await loadClientTransformer(m, {
      get: (path) => fetch(path),
      open: async (graph) =>
        ortSession(
          ort.Tensor,
          await ort.InferenceSession.create(graph, {
            executionProviders: providers,
            graphOptimizationLevel: "all",
          }),
        ),
    });
    e = {
      embed: (texts) => client.embed(texts),
      runtime: providers[0] === "wasm"
        ? `onnxruntime-web (wasm, ${threads} thread${threads > 1 ? "s" : ""})`
        : `onnxruntime-web (${providers[0]})`,
    };
  } else {
    const bytes = m.artifact_url
      ? new Uint8Array(await (await fetch(m.artifact_url)).arrayBuffer())
      : undefined;
    const embed = portableEmbedder(m.spec, bytes);
    e = { embed: (texts) => Promise.resolve(embed(texts)), runtime: "static" };
  }
  loaded.set(m.id, e);
  return e;
};

const color = (s: number) =>
  `hsl(${220 - 220 * Math.max(0, Math.min(1, (s + 1) / 2))},70%,55%)`;

// The legend's two bars, −1 to 0 and 0 to 1, drawn with the cells' colours.
const legend = () => {
  const [low, high] = document.querySelectorAll<HTMLElement>("#legend .bar");
  const stops = (from: number) =>
    Array.from({ length: 6 }, (_, k) => color(from + k / 5)).join(",");
  low.style.background = `linear-gradient(to right,${stops(-1)})`;
  high.style.background = `linear-gradient(to right,${stops(0)})`;
};

// Shown by default, the first the server offers: pipelines whose matrix
// separates related from unrelated sentences. Real sentence encoders where
// their weights are present; else random vectors over shared word stems with
// corpus SIF weights, which separate sentences that share content words (on
// the default sentences 0.22 for the related pair against 0.00 and 0.01).
// Random-weight transformers and stories260K only exercise the code: their
// matrices are near 1 everywhere.
const PREFERRED = [
  "minilm-l6-st",
  "mpnet-base-st",
  "random-stems-corpus-sif",
  "random-stems-corpus-idf",
];

// What the browser fetched since `since` (same-origin, so sizes are known):
// all of it, and the part that is onnxruntime-web (its script and WASM).
const downloaded = (since: number) => {
  let total = 0;
  let ort = 0;
  for (
    const e of performance.getEntriesByType(
      "resource",
    ) as PerformanceResourceTiming[]
  ) {
    if (e.startTime < since) continue;
    total += e.encodedBodySize;
    if (new URL(e.name).pathname.startsWith("/assets/ort/")) {
      ort += e.encodedBodySize;
    }
  }
  return { total, ort };
};
const mb = (bytes: number) =>
  bytes / 1e6 < 1 ? (bytes / 1e6).toFixed(2) : (bytes / 1e6).toFixed(1);

// What choosing a pipeline downloads, before it is chosen: its model files
// and, for a transformer, onnxruntime-web's WASM binary (asked with HEAD).
// The binary onnxruntime-web 1.2x's WebGPU build loads (WASM and WebGPU
// providers alike); the measured figure after first use replaces the guess.
const ORT_WASM = "/assets/ort/ort-wasm-simd-threaded.asyncify.wasm";
let ortWasmBytes: number | undefined;
const expectedBytes = async (m: PortableEntry) => {
  if (m.kind !== "transformer") {
    if (!m.artifact_url) return 0;
    const head = await fetch(m.artifact_url, { method: "HEAD" });
    return Number(head.headers.get("content-length") ?? 0);
  }
  ortWasmBytes ??= Number(
    (await fetch(ORT_WASM, { method: "HEAD" })).headers.get(
      "content-length",
    ) ?? 0,
  );
  return m.model_bytes + ortWasmBytes;
};
const firstUse = new Map<string, { total: number; ort: number }>();

const render = (sentences: string[], matrix: number[][]) => {
  const table = $<HTMLTableElement>("matrix");
  table.textContent = "";
  const head = table.insertRow();
  head.insertCell();
  sentences.forEach((s, j) => {
    const th = document.createElement("th");
    th.textContent = `${j + 1}. ${s}`;
    head.append(th);
  });
  matrix.forEach((cells, i) => {
    const tr = table.insertRow();
    const th = document.createElement("th");
    th.textContent = `${i + 1}. ${sentences[i]}`;
    tr.append(th);
    cells.forEach((s) => {
      const td = tr.insertCell();
      td.textContent = s.toFixed(2);
      td.dataset.score = String(s);
      td.style.background = color(s);
    });
  });
};

const main = async () => {
  const models: PortableEntry[] =
    (await (await fetch("/v1/portable")).json()).data;
  const select = $<HTMLSelectElement>("model");
  for (const m of models) {
    // What choosing it downloads: a real model's weights can be hundreds of MB.
    const mb = m.model_bytes / 1e6;
    const size = m.kind === "transformer"
      ? `, ${mb < 1 ? mb.toFixed(2) : mb.toFixed(0)} MB`
      : "";
    select.append(new Option(`${m.id} (${m.kind}${size})`, m.id));
  }
  select.value = PREFERRED.find((id) => models.some((m) => m.id === id)) ??
    models.find((m) => m.kind === "static")?.id ?? models[0]?.id ?? "";
  legend();
  const showSize = async () => {
    const model = models.find((m) => m.id === select.value);
    if (!model) return;
    const used = firstUse.get(model.id);
    $("size").textContent = used
      ? `${model.id} downloaded ${mb(used.total)} MB${
        used.ort ? ` (onnxruntime-web ${mb(used.ort)} MB of it)` : ""
      }`
      : `${model.id} will download about ${mb(await expectedBytes(model))} MB${
        model.kind === "transformer"
          ? " (model files and onnxruntime-web's WASM binary)"
          : ""
      }`;
  };
  select.onchange = showSize;
  await showSize();
  $("go").onclick = async () => {
    const status = $("status");
    try {
      const sentences = $<HTMLTextAreaElement>("sentences").value.split("\n")
        .map((s) => s.trim()).filter((s) => s !== "");
      const model = models.find((m) => m.id === select.value)!;
      status.textContent = "embedding in the browser…";
      const started = performance.now();
      const embedder = await embedderFor(model);
      if (!firstUse.has(model.id)) {
        firstUse.set(model.id, downloaded(started));
        await showSize();
      }
      document.body.dataset.downloadBytes = String(
        firstUse.get(model.id)!.total,
      );
      const v = await embedder.embed(sentences);
      const matrix = sentences.map((_, i) =>
        sentences.map((_, j) => cosine(row(v, i), row(v, j)))
      );
      render(sentences, matrix);
      status.textContent =
        `${sentences.length} sentences embedded in the browser by ${model.id} on ${embedder.runtime} in ${
          (performance.now() - started).toFixed(0)
        } ms`;
      document.body.dataset.runtime = embedder.runtime;
      document.body.dataset.ready = "1";
    } catch (e) {
      status.textContent = `error: ${(e as Error).message}`;
    }
  };
  $("go").removeAttribute("disabled");
};

main();
