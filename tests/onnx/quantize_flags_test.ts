import "../temp_cache.ts";
import assert from "node:assert/strict";
import { Effect, Exit } from "effect";
import { pipelineOrRecipe } from "../../src/cli/model_recipe.ts";
import { testLayer } from "../test_paths.ts";
import type { Paths } from "../../src/paths.ts";
import type { SourcedPipeline } from "../../src/pipeline/pipeline_source.ts";
import { HF_EXPORTS } from "../models/hf_export_fixture.ts";

const run = (
  flags: Parameters<typeof pipelineOrRecipe>[0],
): Promise<Exit.Exit<SourcedPipeline, unknown>> =>
  Effect.runPromiseExit(
    Effect.provide(
      pipelineOrRecipe(flags, "stories260k-mean") as Effect.Effect<
        SourcedPipeline,
        unknown,
        Paths
      >,
      testLayer,
    ),
  );

const transformers = (exit: Exit.Exit<SourcedPipeline, unknown>) => {
  assert.ok(Exit.isSuccess(exit), String(exit));
  return exit.value.spec.stages.flatMap((s) =>
    s._tag === "transformer" ? [s] : []
  );
};

Deno.test("--precision int8 sets every transformer stage of a declared pipeline or a recipe; fp32 changes nothing", async () => {
  const plain = transformers(await run({ pipeline: "stories260k-mean" }));
  assert.ok(plain.length > 0);
  assert.ok(plain.every((s) => !("precision" in s)));
  const fp32 = transformers(
    await run({ pipeline: "stories260k-mean", precision: "fp32" }),
  );
  assert.deepEqual(fp32, plain);
  const int8 = transformers(
    await run({ pipeline: "stories260k-mean", precision: "int8" }),
  );
  assert.deepEqual(int8, plain.map((s) => ({ ...s, precision: "int8" })));
  const recipe = transformers(
    await run({
      model: `${HF_EXPORTS}/bert`,
      recipe: "first-last-mean",
      precision: "int8",
    }),
  );
  assert.equal(recipe.length, 1);
  assert.equal(recipe[0].precision, "int8");
});

Deno.test("--precision other than fp32 or int8 is a BadConfig naming the flag", async () => {
  for (
    const flags of [
      { pipeline: "stories260k-mean", precision: "int4" },
      { model: `${HF_EXPORTS}/bert`, recipe: "mean", precision: "fp16" },
    ]
  ) {
    const exit = await run(flags);
    assert.ok(Exit.isFailure(exit));
    assert.match(String(exit.cause), /BadConfig[\s\S]*--precision/);
  }
});
