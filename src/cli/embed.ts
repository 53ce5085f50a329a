import { Effect } from "effect";
import { DEFAULT_PIPELINE, PIPELINES } from "../../pipelines/mod.ts";
import { row } from "../embeddings.ts";
import { EmptyInput } from "../errors.ts";
import { loadPipeline } from "../pipeline/load.ts";
import { findPipeline } from "../pipeline/registry.ts";
import { parseFlags } from "./args.ts";
import { runMain } from "./run_main.ts";

const USAGE = `Usage: deno task embed [--pipeline NAME] [--input FILE]

Reads sentences, one a line (stdin unless --input), and writes one JSON line
per sentence: {"text": ..., "embedding": [...]}. Blank lines are skipped.
Default pipeline: ${DEFAULT_PIPELINE} (offline, no download).`;

const flags = parseFlags(Deno.args, {
  pipeline: { type: "string" },
  input: { type: "string" },
  help: { type: "boolean" },
}, USAGE);
if (flags.help) {
  console.log(USAGE);
  Deno.exit(0);
}

const readInput = Effect.tryPromise({
  try: () =>
    flags.input
      ? Deno.readTextFile(flags.input)
      : new Response(Deno.stdin.readable).text(),
  catch: (e) =>
    new EmptyInput({
      reason: `cannot read ${flags.input ?? "stdin"}: ${(e as Error).message}`,
    }),
});

const program = Effect.gen(function* () {
  const spec = yield* findPipeline(
    PIPELINES,
    flags.pipeline ?? DEFAULT_PIPELINE,
  );
  const text = yield* readInput;
  const sentences = text.split(/\r?\n/).filter((l) => l.trim() !== "");
  const pipeline = yield* loadPipeline(spec);
  const embedder = yield* pipeline.fit(sentences);
  const vectors = yield* embedder.embed(sentences);
  const lines = sentences.map((s, i) =>
    JSON.stringify({ text: s, embedding: Array.from(row(vectors, i)) })
  );
  yield* Effect.promise(() =>
    Deno.stdout.write(new TextEncoder().encode(lines.join("\n") + "\n"))
  );
});

await runMain(program);
