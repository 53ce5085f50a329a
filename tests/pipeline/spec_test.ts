import assert from "node:assert/strict";
import { Effect } from "effect";
import { PIPELINES } from "../../pipelines/mod.ts";
import { randomHashedWords } from "../../pipelines/random_hashed_words.ts";
import { statisticsOf } from "../../src/pipeline/describe.ts";
import { pipelineHash } from "../../src/pipeline/hash.ts";
import {
  decodePipelineSpec,
  findPipeline,
} from "../../src/pipeline/registry.ts";

const fail = <E>(e: Effect.Effect<unknown, E>) =>
  Effect.runPromise(Effect.flip(e));

Deno.test("every declared pipeline decodes and names are unique", async () => {
  for (const p of PIPELINES) await Effect.runPromise(decodePipelineSpec(p));
  assert.equal(new Set(PIPELINES.map((p) => p.name)).size, PIPELINES.length);
  assert.equal(new Set(PIPELINES.map(pipelineHash)).size, PIPELINES.length);
});

Deno.test("a malformed spec is a BadConfig that says what is wrong", async () => {
  const bad = {
    ...randomHashedWords,
    encoder: { _tag: "random", dim: -3, seed: 1 },
  };
  const e = await fail(decodePipelineSpec(bad));
  assert.equal(e._tag, "BadConfig");
  assert.match(e.message, /random-hashed-words/);
  assert.match(e.message, /dim/);
  const notObject = await fail(decodePipelineSpec(42));
  assert.equal(notObject._tag, "BadConfig");
  const badTag = await fail(
    decodePipelineSpec({ ...randomHashedWords, pooling: "median" }),
  );
  assert.match(badTag.message, /pooling/);
});

Deno.test("unknown pipeline names list the known ones", async () => {
  const e = await fail(findPipeline(PIPELINES, "nope"));
  assert.equal(e._tag, "UnknownPipeline");
  assert.match(e.message, /Unknown pipeline "nope"/);
  assert.match(e.message, /random-hashed-words/);
});

Deno.test("the hash is content-based: key order and description do not matter", () => {
  const h = pipelineHash(randomHashedWords);
  assert.match(h, /^[0-9a-f]{12}$/);
  const reordered = Object.fromEntries(
    Object.entries(randomHashedWords).reverse(),
  );
  assert.equal(pipelineHash(reordered as typeof randomHashedWords), h);
  assert.equal(
    pipelineHash({ ...randomHashedWords, description: "other words" }),
    h,
  );
  assert.notEqual(
    pipelineHash({
      ...randomHashedWords,
      encoder: { _tag: "random", dim: 2048, seed: 2 },
    }),
    h,
  );
});

Deno.test("statistics are none, corpus or transductive as declared", () => {
  const base = {
    ...randomHashedWords,
    filters: { special: true, punctuation: true, subwords: false },
  };
  assert.equal(
    statisticsOf({ ...base, weighting: { _tag: "uniform" } }),
    "none",
  );
  assert.equal(statisticsOf(base), "corpus");
  assert.equal(
    statisticsOf({ ...base, weighting: { _tag: "idf", fitOn: "input" } }),
    "transductive",
  );
  assert.equal(
    statisticsOf({
      ...base,
      postprocess: { steps: [{ _tag: "center" }], fitOn: "input" },
    }),
    "transductive",
  );
});
