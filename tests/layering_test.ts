import "./temp_cache.ts";
import assert from "node:assert/strict";
import { dirname, join, relative } from "node:path";

/**
 * The layering of `src/`, lowest first (README "Layout"): a file may import
 * from its own layer or any below it, never from one above; `src/` never
 * imports `edge/`, `bench/` or Hono, and only the CLI runs the catalogue
 * (`pipelines/`). Each entry is a folder (or a root file) of `src/`.
 */
export const LAYERS: ReadonlyArray<ReadonlyArray<string>> = [
  ["errors.ts", "embeddings.ts", "paths.ts"],
  ["tokenize", "postprocess", "corpus", "artifact", "hub", "models", "io"],
  ["prompt"],
  ["onnx"],
  ["aggregate"],
  ["forward", "services.ts"],
  ["static", "llama2c"],
  ["stages"],
  ["pipeline", "recipes"],
  ["eval", "serve"],
  ["queue"],
  ["cli"],
];

const SRC = new URL("../src/", import.meta.url).pathname;
const ROOT = new URL("../", import.meta.url).pathname;

const unitOf = (path: string) => relative(SRC, path).split("/")[0];
const layerOf = (unit: string) => LAYERS.findIndex((l) => l.includes(unit));

const walk = function* (dir: string): Generator<string> {
  for (const e of Deno.readDirSync(dir)) {
    const p = join(dir, e.name);
    if (e.isDirectory) yield* walk(p);
    else if (p.endsWith(".ts")) yield p;
  }
};

// Import and export-from specifiers, comments (doc examples) left out.
const specifiers = (text: string): string[] =>
  [
    ...text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, "")
      .matchAll(/(?:from|import)\s*\(?\s*"([^"]+)"/g),
  ].map((m) => m[1]);

Deno.test("no file in src/ imports from a layer above its own, edge/, bench/ or Hono", () => {
  const problems: string[] = [];
  for (const file of walk(SRC)) {
    const unit = unitOf(file);
    const mine = layerOf(unit);
    if (mine < 0) problems.push(`${unit} is in no layer`);
    for (const spec of specifiers(Deno.readTextFileSync(file))) {
      const where = relative(ROOT, file);
      if (spec === "hono" || spec.startsWith("hono/")) {
        problems.push(`${where} imports Hono`);
      }
      if (!spec.startsWith(".")) continue;
      const target = join(dirname(file), spec);
      if (!target.startsWith(SRC)) {
        const outside = relative(ROOT, target);
        // The CLI runs the catalogue; nothing else in src/ reaches out.
        if (!(unit === "cli" && outside.startsWith("pipelines/"))) {
          problems.push(`${where} imports ${outside}`);
        }
        continue;
      }
      const other = layerOf(unitOf(target));
      if (other > mine) {
        problems.push(
          `${where} (layer ${mine}, ${unit}) imports ${
            relative(ROOT, target)
          } (layer ${other})`,
        );
      }
    }
  }
  assert.deepEqual(problems, []);
});
