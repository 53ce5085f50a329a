/// <reference lib="dom" />
/**
 * The demo page's script, bundled for the browser by `deno task build:page`:
 * it fetches a pipeline's spec and shipped artifact from the server once,
 * then embeds and compares sentences locally with the same library code the
 * server runs.
 */
import { cosine, row } from "../../src/embeddings.ts";
import { portableEmbedder } from "../../src/pipeline/portable_embedder.ts";
import type { PipelineSpec } from "../../src/pipeline/spec.ts";

const $ = <T extends HTMLElement>(id: string) =>
  document.getElementById(id) as T;

interface PortableModel {
  readonly id: string;
  readonly spec: PipelineSpec;
  readonly artifact_url: string | null;
}

const loaded = new Map<
  string,
  (texts: string[]) => ReturnType<ReturnType<typeof portableEmbedder>>
>();

const embedderFor = async (m: PortableModel) => {
  let e = loaded.get(m.id);
  if (!e) {
    const bytes = m.artifact_url
      ? new Uint8Array(await (await fetch(m.artifact_url)).arrayBuffer())
      : undefined;
    e = portableEmbedder(m.spec, bytes);
    loaded.set(m.id, e);
  }
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
  const models: PortableModel[] =
    (await (await fetch("/v1/portable")).json()).data;
  const select = $<HTMLSelectElement>("model");
  for (const m of models) select.append(new Option(m.id, m.id));
  $("go").onclick = async () => {
    const status = $("status");
    try {
      const sentences = $<HTMLTextAreaElement>("sentences").value.split("\n")
        .map((s) => s.trim()).filter((s) => s !== "");
      const model = models.find((m) => m.id === select.value)!;
      status.textContent = "embedding in the browser…";
      const started = performance.now();
      const v = (await embedderFor(model))(sentences);
      const matrix = sentences.map((_, i) =>
        sentences.map((_, j) => cosine(row(v, i), row(v, j)))
      );
      render(sentences, matrix);
      status.textContent =
        `${sentences.length} sentences embedded in the browser by ${model.id} in ${
          (performance.now() - started).toFixed(0)
        } ms`;
      document.body.dataset.ready = "1";
    } catch (e) {
      status.textContent = `error: ${(e as Error).message}`;
    }
  };
  $("go").removeAttribute("disabled");
};

main();
