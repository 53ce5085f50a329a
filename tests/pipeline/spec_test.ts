import "../temp_cache.ts";
import assert from "node:assert/strict";
import { Effect, Schema } from "effect";
import { PIPELINES } from "../../pipelines/mod.ts";
import { randomHashedWords } from "../../pipelines/random_hashed_words.ts";
import { pipeline } from "../../src/pipeline/builder.ts";
import { statisticsOf } from "../../src/pipeline/describe.ts";
import { pipelineHash } from "../../src/pipeline/hash.ts";
import { compilePlan, planOf } from "../../src/pipeline/plan.ts";
import {
  decodePipelineSpec,
  findPipeline,
} from "../../src/pipeline/registry.ts";
import type { PipelineSpec } from "../../src/pipeline/spec.ts";
import {
  center,
  idf,
  l2,
  meanPool,
  pool,
  randomVectors,
  StageDeclaration,
  STAGES,
  transformer,
  whiten,
  wordTokens,
} from "../../src/stages/mod.ts";

const fail = <E>(e: Effect.Effect<unknown, E>) =>
  Effect.runPromise(Effect.flip(e));

Deno.test("every declared pipeline decodes, compiles, and names and hashes are unique", async () => {
  for (const p of PIPELINES) {
    await Effect.runPromise(decodePipelineSpec(p));
    await Effect.runPromise(compilePlan(p));
  }
  assert.equal(new Set(PIPELINES.map((p) => p.name)).size, PIPELINES.length);
  assert.equal(new Set(PIPELINES.map(pipelineHash)).size, PIPELINES.length);
});

Deno.test("every stage tag of the declaration union has a module, and every module a tag", () => {
  const union = StageDeclaration as unknown as {
    members: ReadonlyArray<{ fields: { _tag: { literal?: string } } }>;
  };
  const tags = new Set(
    Object.entries(STAGES).map(([tag, m]) => {
      assert.equal(m.tag, tag, `module under "${tag}" says it is "${m.tag}"`);
      return tag;
    }),
  );
  // Each module's own schema decodes a declaration of its own tag only.
  for (const [tag, m] of Object.entries(STAGES)) {
    const other = Schema.decodeUnknownExit(m.schema)({ _tag: `${tag}-x` });
    assert.equal(other._tag, "Failure", tag);
  }
  assert.equal(union.members.length, tags.size);
});

Deno.test("a malformed spec is a BadConfig that says what is wrong", async () => {
  const bad = {
    ...randomHashedWords,
    stages: randomHashedWords.stages.map((s) =>
      s._tag === "randomVectors" ? { ...s, dim: -3 } : s
    ),
  };
  const e = await fail(decodePipelineSpec(bad));
  assert.equal(e._tag, "BadConfig");
  assert.match(e.message, /random-hashed-words/);
  assert.match(e.message, /dim/);
  const notObject = await fail(decodePipelineSpec(42));
  assert.equal(notObject._tag, "BadConfig");
  const badTag = await fail(
    decodePipelineSpec({
      ...randomHashedWords,
      stages: [...randomHashedWords.stages, { _tag: "median" }],
    }),
  );
  assert.match(badTag.message, /median/);
});

Deno.test("stages out of order, missing or repeated are refused with the order to follow", async () => {
  const words = wordTokens();
  const v = randomVectors(8);
  const out = await fail(
    compilePlan(pipeline("p", words, v, meanPool(), idf("input"))),
  );
  assert.match(
    out.message,
    /stage 4 \("idf", a weighting stage\) is out of order/,
  );
  assert.match(out.message, /prompt → tokenizer → vectors/);
  const missing = await fail(compilePlan(pipeline("p", words, v, center())));
  assert.match(missing.message, /no pool stage/);
  const twice = await fail(
    compilePlan(pipeline("p", words, v, v, meanPool())),
  );
  assert.match(twice.message, /second vectors stage/);
  const noTransformer = await fail(
    compilePlan(pipeline("p", words, v, pool("cls"))),
  );
  assert.match(noTransformer.message, /needs a transformer encoder/);
  const wordsForModel = await fail(
    compilePlan(pipeline("p", words, transformer("m"), meanPool())),
  );
  assert.match(wordsForModel.message, /own \(pretrained\) tokenizer/);
  // Sentence steps may come in any order, repeated.
  const plan = planOf(
    pipeline("p", words, v, meanPool(), l2(), whiten(), center(), l2()),
  );
  assert.deepEqual(plan.steps.map((s) => s.decl._tag), [
    "l2",
    "whiten",
    "center",
    "l2",
  ]);
});

Deno.test("unknown pipeline names suggest the closest ones", async () => {
  const e = await fail(findPipeline(PIPELINES, "random-stem-idf"));
  assert.equal(e._tag, "UnknownPipeline");
  assert.match(e.message, /Unknown pipeline "random-stem-idf"/);
  assert.match(e.message, /did you mean random-stems-idf/);
  const far = await fail(findPipeline(PIPELINES, "zzzzzzzzzzzz"));
  assert.doesNotMatch(far.message, /did you mean/);
});

Deno.test("the hash is content-based: key order and description do not matter; stage order does", () => {
  const h = pipelineHash(randomHashedWords);
  assert.match(h, /^[0-9a-f]{12}$/);
  const reordered = Object.fromEntries(
    Object.entries(randomHashedWords).reverse(),
  );
  assert.equal(pipelineHash(reordered as PipelineSpec), h);
  assert.equal(
    pipelineHash({ ...randomHashedWords, description: "other words" }),
    h,
  );
  const seed2 = {
    ...randomHashedWords,
    stages: randomHashedWords.stages.map((s) =>
      s._tag === "randomVectors" ? { ...s, seed: 2 } : s
    ),
  };
  assert.notEqual(pipelineHash(seed2), h);
  const a = pipeline(
    "p",
    wordTokens(),
    randomVectors(8),
    meanPool(),
    center(),
    l2(),
  );
  const b = pipeline(
    "p",
    wordTokens(),
    randomVectors(8),
    meanPool(),
    l2(),
    center(),
  );
  assert.notEqual(pipelineHash(a), pipelineHash(b));
});

Deno.test("statistics are none, corpus or transductive as the stages declare", () => {
  const base = [wordTokens(), randomVectors(8)] as const;
  const stats = (...rest: StageDeclaration[]) =>
    statisticsOf(planOf(pipeline("p", ...base, ...rest)));
  assert.equal(stats(meanPool()), "none");
  assert.equal(stats(meanPool(), l2()), "none");
  assert.equal(stats(idf("corpus"), meanPool()), "corpus");
  assert.equal(stats(idf("input"), meanPool()), "transductive");
  assert.equal(stats(meanPool(), center("input")), "transductive");
  assert.equal(stats(meanPool(), whiten()), "corpus");
});
