/**
 * One configuration of `deno task bench` in its own process, so its peak
 * memory is its own. Loads the configuration, says `ready`, then answers
 * one command per stdin line: `run <call>` (timed), `vectors <call>`,
 * `quit`. Replies are stdout lines starting with {@link REPLY}.
 */
import { Effect } from "effect";
import { pathsFromEnv, pathsLayer } from "../../src/paths.ts";
import { type ConfigName, CONFIGS } from "./configs.ts";
import { REPLY } from "./protocol.ts";
import { callTexts, loadWorkload } from "./workload.ts";

const [name, sentences, wasmSentences] = Deno.args;
const say = (x: unknown) => console.log(`${REPLY}${JSON.stringify(x)}`);

// Rows compared in the vector cross-check.
const CHECK_ROWS = 16;

try {
  if (!(name in CONFIGS)) throw new Error(`unknown configuration ${name}`);
  const paths = { ...pathsFromEnv(), allowRemote: false };
  const workload = await Effect.runPromise(
    loadWorkload({
      sentences: Number(sentences),
      wasmSentences: Number(wasmSentences),
    }).pipe(Effect.provide(pathsLayer(paths))),
  );
  const started = performance.now();
  const runner = await CONFIGS[name as ConfigName](paths);
  say({
    ready: true,
    loadMs: performance.now() - started,
    units: workload.units.length,
    tokens: workload.tokens,
    shapes: workload.shapes,
  });
  const lines = Deno.stdin.readable.pipeThrough(new TextDecoderStream());
  let pending = "";
  loop: for await (const chunk of lines) {
    pending += chunk;
    let nl: number;
    while ((nl = pending.indexOf("\n")) >= 0) {
      const [cmd, arg, rows] = pending.slice(0, nl).trim().split(" ");
      pending = pending.slice(nl + 1);
      if (cmd === "quit") break loop;
      const texts = callTexts(workload, arg);
      if (cmd === "run") {
        const t = performance.now();
        await runner.run(texts);
        say({ ms: performance.now() - t, n: texts.length });
      } else if (cmd === "vectors") {
        // `vectors <call> all`: every sentence's (the int8 cosine).
        const v = await runner.vectors?.(
          rows === "all" ? texts : texts.slice(0, CHECK_ROWS),
        );
        say({ vectors: v ? [...v] : [] });
      } else {
        throw new Error(`unknown command ${cmd}`);
      }
    }
  }
  await runner.release();
  Deno.exit(0);
} catch (e) {
  say({ error: e instanceof Error ? e.stack ?? e.message : String(e) });
  Deno.exit(1);
}
