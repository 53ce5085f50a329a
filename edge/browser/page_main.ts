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
  $("go").onclick = async () => {
    const status = $("status");
    try {
      const sentences = $<HTMLTextAreaElement>("sentences").value.split("\n")
        .map((s) => s.trim()).filter((s) => s !== "");
      const model = models.find((m) => m.id === select.value)!;
      status.textContent = "embedding in the browser…";
      const started = performance.now();
      const embedder = await embedderFor(model);
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
