/**
 * `deno run -A bench/speed/memory.ts [--config sentemb-native] [--sentences 64]`: one bench
 * configuration in its own process, as `deno
 * task bench` starts it: its peak RSS (VmHWM, MiB) after loading and after
 * embedding the sample once. Delete `.cache/rewritten` first to measure a
 * fresh clone's cold derived-graph cache.
 */
import { parseFlags } from "../../src/cli/args.ts";
import { type ConfigName, CONFIGS } from "./configs.ts";
import { startWorker } from "./worker_client.ts";

const flags = parseFlags(Deno.args, {
  config: { type: "string" },
  sentences: { type: "string" },
  help: { type: "boolean" },
}, "Usage: deno run -A bench/speed/memory.ts [--config NAME] [--sentences 64]");
const name = (flags.config ?? "sentemb-native") as ConfigName;
if (!(name in CONFIGS)) throw new Error(`unknown configuration ${name}`);
const w = await startWorker(name, {
  sentences: Number(flags.sentences ?? 64),
  wasmSentences: 16,
});
const afterLoad = await w.peakMiB();
await w.ask("run main");
const afterRun = await w.peakMiB();
await w.quit();
console.log(JSON.stringify({
  name,
  load_ms: Math.round(w.loadMs),
  peak_mib_after_load: Math.round(afterLoad),
  peak_mib_after_run: Math.round(afterRun),
}));
