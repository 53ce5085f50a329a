import { Effect } from "effect";
import { RECIPES } from "../recipes/recipes.ts";
import { resolveTransformerFiles } from "../forward/load_transformer_stage.ts";
import { resolveModelFiles } from "../models/resolve.ts";
import { int8ModelFile } from "../onnx/quantize/quantize_file.ts";
import { loadPretrainedTokenizer } from "../tokenize/pretrained_tokenizer.ts";
import { userPath } from "../pipeline/pipeline_source.ts";
import { parseFlags } from "./args.ts";
import { MODEL_FLAGS, MODEL_USAGE, modelRecipeFlag } from "./model_recipe.ts";
import { runMain } from "./run_main.ts";

const USAGE = `Usage: deno task recipes [--json]
       deno task recipes --model REF --recipe NAME [--out FILE.json]

Lists the recipes any model can be run with (\`deno task embed --model REF
--recipe NAME\`). With --model and --recipe, checks that the recipe fits the
model and prints its pipeline declaration (or writes it to --out), which
\`deno task serve --pipelines FILE.json\` serves and \`--pipeline FILE.json\` runs.
${MODEL_USAGE}`;

const flags = parseFlags(Deno.args, {
  json: { type: "boolean" },
  out: { type: "string" },
  help: { type: "boolean" },
  ...MODEL_FLAGS,
}, USAGE);

const table = () => {
  const width = Math.max(...RECIPES.map((r) => r.name.length));
  const kinds = (k: ReadonlyArray<string>) => k.length === 2 ? "any" : k[0];
  return RECIPES.map((r) =>
    `${r.name.padEnd(width)}  ${kinds(r.kinds).padEnd(7)}  ${r.about}`
  ).join("\n");
};

const program = Effect.gen(function* () {
  if (flags.model === undefined && flags.recipe === undefined) {
    const text = flags.json
      ? JSON.stringify(
        RECIPES.map((r) => ({ name: r.name, kinds: r.kinds, about: r.about })),
        null,
        2,
      )
      : table();
    console.log(text);
    return;
  }
  const { spec } = yield* modelRecipeFlag(flags);
  // Every file the pipeline runs on is fetched now (a hub id's graph too),
  // so a server that never downloads can run the declaration.
  let model: string | undefined;
  for (const stage of spec.stages) {
    if (stage._tag === "transformer") {
      model = stage.model;
      const graph = yield* resolveTransformerFiles(stage.model, stage.file);
      // An int8 stage's quantized graph is made (cached) now too.
      if (stage.precision === "int8") yield* int8ModelFile(graph);
    }
    if (stage._tag === "sentenceTransformers" && model !== undefined) {
      yield* resolveModelFiles(model, {
        needed: ["modules.json"],
        stModules: true,
      });
    }
    if (stage._tag === "pretrainedTokenizer") {
      yield* loadPretrainedTokenizer(stage.model);
    }
  }
  const json = JSON.stringify(spec, null, 2);
  if (flags.out) {
    const out = userPath(flags.out);
    yield* Effect.promise(() => Deno.writeTextFile(out, json + "\n"));
    console.error(`wrote ${out}`);
  } else console.log(json);
});

await runMain(program);
