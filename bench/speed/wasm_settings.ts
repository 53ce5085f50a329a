/**
 * `deno run -A bench/speed/wasm_settings.ts [--sentences 384] [--passes 2]`:
 * onnxruntime-web on WASM against onnxruntime-node, setting by setting, on
 * the bench's STS-B sample and BERT-base-sized fixture. Each setting runs
 * in its own process (the WASM runtime is initialised once per process,
 * with its thread count and binary fixed then): a raw session loop over
 * sentemb's length-sorted batches, tensors built before the clock starts,
 * one warm-up pass each, then `--passes` timed passes that alternate with
 * onnxruntime-node on the same tensors in the same process, so every ratio
 * pairs times taken moments apart (the machine is shared). CPU time / wall
 * time of the WASM passes shows how many cores a setting really used.
 * `--chromium`: the WASM side runs in headless Chromium instead, one page
 * per setting, each pass timed in the page (`bench/speed/wasm_chromium.ts`);
 * native stays in the Deno process.
 */
import { existsSync } from "node:fs";
import { parseFlags } from "../../src/cli/args.ts";
import { modelFolder, pathsFromEnv } from "../../src/paths.ts";
import { chromiumPath } from "./chromium_path.ts";
import { measureInChromium } from "./wasm_setting_chromium.ts";
import { measureInDeno } from "./wasm_setting_deno.ts";
import { type Measured, SETTINGS, type WasmSetting } from "./wasm_setting.ts";
import { MODEL } from "./workload.ts";

const cores = navigator.hardwareConcurrency;

const flags = parseFlags(
  Deno.args,
  {
    sentences: { type: "string" },
    passes: { type: "string" },
    child: { type: "string" },
    only: { type: "string" },
    skip: { type: "string" },
    json: { type: "boolean" },
    chromium: { type: "boolean" },
    help: { type: "boolean" },
  },
  "Usage: deno run -A bench/speed/wasm_settings.ts [--sentences 384] [--passes 2] [--only 'LABEL;LABEL' | SUBSTRING] [--skip N] [--chromium] [--json]",
);
const sentences = Number(flags.sentences ?? 384);
const passes = Number(flags.passes ?? 2);

if (flags.child !== undefined) {
  const out = await (flags.chromium ? measureInChromium : measureInDeno)(
    JSON.parse(flags.child),
    sentences,
    passes,
  );
  console.log(`@@wasm ${JSON.stringify(out)}`);
  Deno.exit(0);
}

const log = (m: string) => console.error(`[wasm-settings] ${m}`);
if (flags.chromium && !existsSync(chromiumPath())) {
  log(`no Chromium at ${chromiumPath()} (apt-get install chromium)`);
  Deno.exit(0);
}
const where = flags.chromium ? "chromium" : "deno";
const rows: Array<
  WasmSetting & Measured & { where: string; load: number }
> = [];
// --only: the settings whose label is one of its `;`-separated names, else
// those whose label contains it.
const names = flags.only?.split(";") ?? [];
const exact = SETTINGS.filter((s) => names.includes(s.label));
const chosen = (exact.length > 0 ? exact : SETTINGS).slice(
  Number(flags.skip ?? 0),
).filter((s) =>
  flags.only === undefined || exact.length > 0 || s.label.includes(flags.only)
);
const fixture = modelFolder({ ...pathsFromEnv(), allowRemote: false }, MODEL);
for (const s of chosen) {
  const missing = [s.graph, s.nativeGraph].find((g) =>
    g !== undefined && !existsSync(`${fixture}/${g}`)
  );
  if (missing !== undefined) {
    log(
      `${s.label}: skipped, no ${missing} (deno task quantize --model ${fixture} --out ${fixture}/${missing})`,
    );
    continue;
  }
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      new URL(import.meta.url).pathname,
      "--sentences",
      String(sentences),
      "--passes",
      String(passes),
      "--child",
      JSON.stringify(s),
      ...(flags.chromium ? ["--chromium"] : []),
    ],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  const line = new TextDecoder().decode(out.stdout).split("\n").find((l) =>
    l.startsWith("@@wasm ")
  );
  if (line === undefined) {
    log(`${s.label}: failed (exit ${out.code})`);
    continue;
  }
  const m = JSON.parse(line.slice(7)) as Measured;
  rows.push({ ...s, ...m, where, load: Deno.loadavg()[0] });
  log(
    `${s.label} (${where}): ${m.ratio.toFixed(2)}x native, CPU/wall ${
      m.cpuPerWall.toFixed(2)
    }, max |WASM − native| ${m.maxDiff.toExponential(1)}`,
  );
}
if (flags.json) {
  console.log(JSON.stringify({ sentences, passes, rows }, null, 2));
} else {
  const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  console.log(
    `${sentences} STS-B sentences, BERT-base-sized fixture, ${cores} cores, WASM in ${where}; median of ${passes} paired passes after a warm-up`,
  );
  console.log("");
  console.log(
    "| setting | batches | WASM | native | WASM / native | CPU / wall (WASM) | max abs diff | 1-min load |",
  );
  console.log("|---|---:|---:|---:|---:|---:|---:|---:|");
  for (const r of rows) {
    console.log(
      `| ${r.label} | ${r.batches} | ${sec(r.ms)} | ${sec(r.nativeMs)} | ${
        r.ratio.toFixed(2)
      } | ${r.cpuPerWall.toFixed(2)} | ${r.maxDiff.toExponential(1)} | ${
        r.load.toFixed(1)
      } |`,
    );
  }
}
