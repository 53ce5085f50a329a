/**
 * `deno doc --lint mod.ts`, less its reports about Effect's own types.
 *
 * Deno 2.9.6 reports every type of an npm package that a public signature
 * names (`Effect.Effect`, `Schema.Class`, `Layer.Layer`, ...) as a
 * "private type" (denoland/deno#27364): they are public in `effect`, and
 * re-exporting them from mod.ts would document all of Effect. This runs the
 * lint and fails on any other report: a missing doc comment, a missing
 * explicit type, or a private type of this project. A `private-type-ref`
 * report is dropped only when the declaration it points at is a line of
 * Effect's published `.d.ts` files.
 *
 *   deno run --allow-read --allow-run=deno --allow-env scripts/doc_lint.ts [ENTRY...]
 */
import { join } from "node:path";

const entries = Deno.args.length > 0 ? Deno.args : ["mod.ts"];
const root = new URL("..", import.meta.url).pathname;

const { stdout, stderr } = await new Deno.Command("deno", {
  args: ["doc", "--lint", ...entries],
  cwd: root,
  env: { NO_COLOR: "1" },
  stdout: "piped",
  stderr: "piped",
}).output();
const text = (new TextDecoder().decode(stderr) + "\n" +
  new TextDecoder().decode(stdout)).replace(/\nerror: Found [\s\S]*$/, "");

// Every line of Effect's declaration files, trimmed.
const effectLines = new Set<string>();
const store = join(root, "node_modules", ".deno");
for (const pkg of Deno.readDirSync(store)) {
  if (!pkg.isDirectory || !pkg.name.startsWith("effect@")) continue;
  const dist = join(store, pkg.name, "node_modules", "effect", "dist");
  const walk = (dir: string): void => {
    for (const e of Deno.readDirSync(dir)) {
      const path = join(dir, e.name);
      if (e.isDirectory) walk(path);
      else if (e.name.endsWith(".d.ts")) {
        for (const line of Deno.readTextFileSync(path).split("\n")) {
          effectLines.add(line.trim());
        }
      }
    }
  };
  walk(dist);
}
if (effectLines.size === 0) {
  console.error(`doc_lint: no effect package under ${store}; run deno install`);
  Deno.exit(1);
}

// Diagnostics start with `error[code]` or `warning[code]`.
const blocks = text.split(/\n(?=(?:error|warning)\[)/).filter((b) =>
  /^(?:error|warning)\[/.test(b)
);
const isEffectType = (block: string): boolean => {
  if (!block.startsWith("error[private-type-ref]")) return false;
  const lines = block.split("\n");
  const marker = lines.findIndex((l) =>
    l.includes("- this is the referenced type")
  );
  if (marker < 0) return false;
  for (let i = marker - 1; i >= 0; i--) {
    const m = lines[i].match(/^\s*\d+\s+\|\s?(.*)$/);
    if (m) return effectLines.has(m[1].trim());
  }
  return false;
};

const kept = blocks.filter((b) => !isEffectType(b));
const dropped = blocks.length - kept.length;
for (const b of kept) console.error(b.trimEnd() + "\n");
console.error(
  `doc_lint: ${kept.length} problem(s); ${dropped} report(s) of Effect's own types left out`,
);
if (kept.length > 0 || (blocks.length === 0 && /error/.test(text))) {
  if (blocks.length === 0) console.error(text);
  Deno.exit(1);
}
