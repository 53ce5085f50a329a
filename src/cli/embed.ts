import { Effect } from "effect";
import { DEFAULT_PIPELINE } from "../../pipelines/mod.ts";
import { row } from "../embeddings.ts";
import { EmptyInput } from "../errors.ts";
import { loadPipeline } from "../pipeline/load.ts";
import { userPath } from "../pipeline/pipeline_source.ts";
import { parseFlags } from "./args.ts";
import { withArtifactsBeside } from "./pipeline_flag.ts";
import { MODEL_FLAGS, MODEL_USAGE, pipelineOrRecipe } from "./model_recipe.ts";
import { runMain } from "./run_main.ts";

const USAGE =
  `Usage: deno task embed [--pipeline NAME|FILE | --model REF --recipe NAME] [--input FILE] [--dimensions K]

Reads sentences, one a line (stdin unless --input), and writes one JSON line
per sentence: {"text": ..., "embedding": [...]}. Blank lines are skipped.
--pipeline  a name from \`deno task pipelines\`, or your own pipeline file:
            a .json declaration or a .ts module whose default export is a
            pipeline (FILE#NAME picks one of several)
${MODEL_USAGE}
Default pipeline: ${DEFAULT_PIPELINE} (offline, no download).`;

const flags = parseFlags(Deno.args, {
  pipeline: { type: "string" },
  input: { type: "string" },
  dimensions: { type: "string" },
  help: { type: "boolean" },
  ...MODEL_FLAGS,
}, USAGE);
if (flags.help) {
  console.log(USAGE);
  Deno.exit(0);
}

const readInput = Effect.tryPromise({
  try: () =>
    flags.input
      ? Deno.readTextFile(userPath(flags.input))
      : new Response(Deno.stdin.readable).text(),
  catch: (e) =>
    new EmptyInput({
      reason: `cannot read ${flags.input ?? "stdin"}: ${(e as Error).message}`,
    }),
});

const program = Effect.gen(function* () {
  const sourced = yield* pipelineOrRecipe(flags, DEFAULT_PIPELINE);
  const text = yield* readInput;
  const sentences = text.split(/\r?\n/).filter((l) => l.trim() !== "");
  const dimensions = flags.dimensions ? Number(flags.dimensions) : undefined;
  const vectors = yield* withArtifactsBeside([sourced])(
    Effect.gen(function* () {
      const pipeline = yield* loadPipeline(sourced.spec);
      const embedder = yield* pipeline.fit(sentences);
      return yield* embedder.embed(
        sentences,
        dimensions ? { dimensions } : {},
      );
    }),
  );
  const lines = sentences.map((s, i) =>
    JSON.stringify({ text: s, embedding: Array.from(row(vectors, i)) })
  );
  yield* Effect.promise(() =>
    Deno.stdout.write(new TextEncoder().encode(lines.join("\n") + "\n"))
  );
});

await runMain(program);
