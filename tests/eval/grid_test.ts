import "../temp_cache.ts";
import assert from "node:assert/strict";
import { Effect } from "effect";
import { PIPELINES } from "../../pipelines/mod.ts";
import { gridVariants } from "../../src/eval/grid.ts";
import { pipelineHash } from "../../src/pipeline/hash.ts";
import { planOf } from "../../src/pipeline/plan.ts";
import {
  decodePipelineSpec,
  findPipeline,
} from "../../src/pipeline/registry.ts";

Deno.test("the grid of a static pipeline: valid, distinct specs over pooling × weighting × post", async () => {
  const base = await Effect.runPromise(
    findPipeline(PIPELINES, "random-bert-ids-idf"),
  );
  const variants = gridVariants(base);
  // mean × {idf-input, uniform, idf-corpus, sif-corpus} + max (which
  // ignores weights), each × {none, center, zscore} (no eigen-based steps at
  // 2048 dimensions) × {declared filters, + 20 most frequent corpus tokens}.
  assert.equal(variants.length, (4 + 1) * 3 * 2);
  const hashes = new Set(variants.map((v) => pipelineHash(v.spec)));
  assert.equal(hashes.size, variants.length);
  assert.equal(new Set(variants.map((v) => v.spec.name)).size, variants.length);
  for (const v of variants) {
    await Effect.runPromise(decodePipelineSpec(v.spec));
    assert.equal(planOf(v.spec).pool.mode, v.axes.pooling);
    assert.equal(v.spec.artifact, undefined);
  }
  // The base recipe itself is on the grid, under its own hash.
  const plain = variants.find((v) =>
    v.axes.pooling === "mean" && v.axes.weighting === "idf-input" &&
    v.axes.post === "none" && v.axes.filters === "declared"
  );
  const { name: _a, description: _b, ...want } = base;
  const { name: _c, description: _d, ...got } = plain!.spec;
  assert.deepEqual(got, want);
});
