import { Effect } from "effect";
import {
  encoderRecipes,
  sentenceTransformer,
} from "../../pipelines/encoder_recipes.ts";
import { PIPELINES } from "../../pipelines/mod.ts";
import { decoderRecipes, promptBert } from "../../pipelines/prompt_recipes.ts";
import { loadStsTask } from "../../src/eval/sts_data.ts";
import { TINY_CONFIGS } from "../../src/onnx/fixture/config.ts";
import { buildModelFolder } from "../../src/onnx/fixture/model_folder.ts";
import { planOf } from "../../src/pipeline/plan.ts";
import type { PipelineSpec } from "../../src/pipeline/spec.ts";
import { writeStFolder } from "../st_folder.ts";
import { testPaths } from "../test_paths.ts";

/**
 * The pipelines whose vectors were recorded before the composition
 * refactor (commit b487054, `golden_vectors.json`), each with the sentences
 * it embedded: every static catalogue pipeline on all 2,758 STS-B test
 * sentences; stories260K and the recipes on seeded fixture models on the
 * first 200.
 */
export const goldenCases = (fixtures: string) =>
  Effect.gen(function* () {
    yield* buildModelFolder(
      fixtures,
      "golden-bert",
      {
        ...TINY_CONFIGS.bert,
        vocab_size: 30522,
        max_position_embeddings: 512,
        num_hidden_layers: 12,
      },
      `${testPaths.models}/bert-base-uncased`,
      { seed: 7 },
    );
    yield* buildModelFolder(
      fixtures,
      "golden-gpt2",
      {
        ...TINY_CONFIGS.gpt2,
        vocab_size: 50257,
        n_positions: 512,
        n_layer: 4,
      },
      `${testPaths.models}/gpt2`,
      { seed: 7 },
    );
    stFolder(fixtures);
    const sts = yield* loadStsTask(testPaths.data, "STSBenchmark", "raw");
    const all = [...sts.s1, ...sts.s2];
    const few = all.slice(0, 200);
    const cases: Array<[PipelineSpec, ReadonlyArray<string>]> = [];
    for (const p of PIPELINES) {
      const v = planOf(p).vectors._tag;
      if (v === "randomVectors" || v === "wordVectors") cases.push([p, all]);
      if (p.name.startsWith("stories260k")) cases.push([p, few]);
    }
    for (const p of encoderRecipes("golden-bert", "golden-bert", "golden")) {
      if (p.name !== "golden-bert-whiten-plus-avg") cases.push([p, few]);
    }
    cases.push([promptBert("golden-bert-promptbert", "golden-bert"), few]);
    cases.push([sentenceTransformer("golden-st", "golden-st", "st"), few]);
    for (
      const p of decoderRecipes("golden-gpt2", {
        kind: "pretrained",
        model: "golden-gpt2",
      }, {
        outputLayer: -2,
        tp: { start: 1, exit: 3 },
        demonstration: {
          sentence: "Stocks fell sharply after the announcement.",
          word: "Market",
        },
      })
    ) cases.push([p, few]);
    return cases;
  });

/** A sentence-transformers folder over golden-bert: mean, Dense 32→8 tanh, Normalize. */
const stFolder = (fixtures: string) =>
  writeStFolder(`${fixtures}/golden-st`, `${fixtures}/golden-bert`, {
    weight: Float32Array.from(
      { length: 8 * 32 },
      (_, i) => Math.sin(i * 0.7) * 0.3,
    ),
    bias: Float32Array.from({ length: 8 }, (_, i) => (i - 4) * 0.05),
  });
