import { Effect } from "effect";
import { cosine, row } from "../embeddings.ts";
import { BadConfig } from "../errors.ts";
import { spearman } from "../eval/correlation.ts";
import { loadStsbDev } from "../eval/sts_data.ts";
import { Paths } from "../paths.ts";
import { loadPipeline } from "../pipeline/load.ts";
import { planOf } from "../pipeline/plan.ts";
import { pipelineFlag } from "./pipeline_flag.ts";
import { DEMONSTRATION_POOL } from "../prompt/demonstration_pool.ts";
import { parseFlags } from "./args.ts";
import { runMain } from "./run_main.ts";

const USAGE = `Usage: deno task demos --pipeline NAME [--out FILE]

Scores every demonstration of the pool on STS-B dev (Spearman x100) with the
pipeline's prompt, prints them best first, and records the best for the
model in FILE (default artifacts/demonstrations.json), which the model's
PromptEOL+ICL pipeline then declares.`;

const flags = parseFlags(Deno.args, {
  pipeline: { type: "string" },
  out: { type: "string" },
  help: { type: "boolean" },
}, USAGE);
if (flags.help || !flags.pipeline) {
  console.log(USAGE);
  Deno.exit(flags.help ? 0 : 2);
}

const program = Effect.gen(function* () {
  const paths = yield* Paths;
  const { spec } = yield* pipelineFlag(flags.pipeline!);
  const plan = planOf(spec);
  const declared = plan.prompt;
  if (!declared) {
    return yield* new BadConfig({
      subject: `pipeline "${spec.name}"`,
      reason: "has no prompt to put a demonstration in",
    });
  }
  const dev = yield* loadStsbDev(paths.data, "raw");
  const scores: Array<{ sentence: string; word: string; spearman: number }> =
    [];
  for (const demo of [undefined, ...DEMONSTRATION_POOL]) {
    const { demonstration: _d, ...prompt } = declared;
    const candidate = {
      ...spec,
      stages: spec.stages.map((s) =>
        s._tag !== "prompt"
          ? s
          : demo
          ? { ...prompt, demonstration: demo }
          : prompt
      ),
    };
    const pipeline = yield* loadPipeline(candidate);
    const embedder = yield* pipeline.fit([...dev.s1, ...dev.s2]);
    const a = yield* embedder.embed(dev.s1);
    const b = yield* embedder.embed(dev.s2);
    const sims = Float64Array.from(
      dev.gold,
      (_, i) => cosine(row(a, i), row(b, i)),
    );
    const score = 100 * spearman(sims, dev.gold);
    console.error(
      `  ${score.toFixed(2)}  ${
        demo ? `${demo.sentence} → ${demo.word}` : "(no demonstration)"
      }`,
    );
    if (demo) scores.push({ ...demo, spearman: score });
  }
  scores.sort((x, y) => y.spearman - x.spearman);
  const best = scores[0];
  const model = plan.vectors._tag === "transformer"
    ? plan.vectors.model
    : spec.name;
  const out = flags.out ?? `${paths.artifacts}/demonstrations.json`;
  const recorded = yield* Effect.try({
    try: () =>
      JSON.parse(Deno.readTextFileSync(out)) as Record<string, unknown>,
    catch: () => ({}),
  }).pipe(Effect.orElseSucceed(() => ({} as Record<string, unknown>)));
  recorded[model] = { ...best, pipeline: spec.name, split: "STS-B dev (raw)" };
  Deno.writeTextFileSync(out, JSON.stringify(recorded, null, 2) + "\n");
  console.log(JSON.stringify({ model, best, scores }));
});

await runMain(program);
