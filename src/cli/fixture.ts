import { Effect } from "effect";
import { BadConfig, MissingModelFiles } from "../errors.ts";
import { buildModelFolder } from "../onnx/fixture/model_folder.ts";
import { modelFolder, Paths } from "../paths.ts";
import { parseFlags } from "./args.ts";
import { runMain } from "./run_main.ts";

const USAGE =
  `Usage: deno task fixture [--name random-bert-base] [--like bert-base-uncased]
       [--seed 0] [--quantized]

Writes a random-weight model folder shaped and named like a real export —
config.json and tokenizer of the model given by --like (from SENTEMB_MODELS),
onnx/model.onnx with seeded random weights of the real size — under
SENTEMB_FIXTURES (default .cache/models), where pipelines find it by name.
A BERT-base-sized graph has the real compute cost (about 440 MB).`;

const flags = parseFlags(Deno.args, {
  name: { type: "string" },
  like: { type: "string" },
  seed: { type: "string" },
  quantized: { type: "boolean" },
  help: { type: "boolean" },
}, USAGE);

const program = Effect.gen(function* () {
  const paths = yield* Paths;
  const like = flags.like ?? "bert-base-uncased";
  const name = flags.name ?? `random-${like.replace(/-uncased$/, "")}`;
  const seed = Number(flags.seed ?? 0);
  if (!Number.isInteger(seed) || seed < 0) {
    return yield* new BadConfig({
      subject: "--seed",
      reason: "not a non-negative integer",
    });
  }
  const source = modelFolder(paths, like);
  const configPath = `${source}/config.json`;
  const config = yield* Effect.try({
    try: () =>
      JSON.parse(Deno.readTextFileSync(configPath)) as Record<string, unknown>,
    catch: () =>
      new MissingModelFiles({
        model: like,
        path: configPath,
        hint:
          "A fixture copies the config and tokenizer of a real model folder.",
      }),
  });
  const started = performance.now();
  const { dir, fixture } = yield* buildModelFolder(
    paths.fixtures,
    name,
    config,
    source,
    {
      seed,
      quantized: flags.quantized ?? false,
    },
  );
  console.error(
    `${name}: ${dir} (${(fixture.bytes / 1e6).toFixed(1)} MB, ${
      fixture.built ? "built" : "cached"
    }, ${((performance.now() - started) / 1000).toFixed(1)} s)`,
  );
});

await runMain(program);
