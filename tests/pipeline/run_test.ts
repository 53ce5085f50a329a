import assert from "node:assert/strict";
import { Effect } from "effect";
import { cosine, row } from "../../src/embeddings.ts";
import type { Services } from "../../src/services.ts";
import { loadPipeline } from "../../src/pipeline/load.ts";
import { pipeline } from "../../src/pipeline/builder.ts";
import {
  center,
  dropTokens,
  idf,
  l2,
  meanPool,
  modelTokenizer,
  randomVectors,
  wordTokens,
} from "../../src/stages/mod.ts";
import { randomVector } from "../../src/static/random_encoder.ts";
import { fnv1a } from "../../src/tokenize/fnv1a.ts";
import { testLayer } from "../test_paths.ts";

const run = <A, E>(e: Effect.Effect<A, E, Services>) =>
  Effect.runPromise(Effect.provide(e, testLayer));

const tokenPhase = [
  wordTokens({ lowercase: true }),
  randomVectors(64, 9),
  idf("input"),
  dropTokens({ special: true, punctuation: true }),
  meanPool(),
] as const;
const transductive = pipeline("t", ...tokenPhase);

Deno.test("a transductive idf pipeline equals the hand computation", async () => {
  const input = ["The cat sat.", "The dog sat.", "A bird"];
  const embedder = await run(
    Effect.flatMap(loadPipeline(transductive), (p) => p.fit(input)),
  );
  const out = await run(embedder.embed(["the CAT!"]));
  // idf over the 3 input sentences: the (df 2) → log(4/3), cat (df 1) → log 2;
  // "!" is punctuation. Expected = (w_the v_the + w_cat v_cat) / (w_the + w_cat).
  const vThe = new Float32Array(64), vCat = new Float32Array(64);
  randomVector(9, fnv1a("the"), vThe);
  randomVector(9, fnv1a("cat"), vCat);
  const wThe = Math.log(4 / 3), wCat = Math.log(2);
  const got = row(out, 0);
  for (let j = 0; j < 64; j++) {
    const want = (wThe * vThe[j] + wCat * vCat[j]) / (wThe + wCat);
    assert.ok(Math.abs(got[j] - want) < 1e-6, `component ${j}`);
  }
});

Deno.test("post-processing fitted on the input is applied (l2 gives unit rows)", async () => {
  const spec = pipeline("t", ...tokenPhase, center("input"), l2());
  const input = ["one two", "two three", "three four five", "six"];
  const e = await run(Effect.flatMap(loadPipeline(spec), (p) => p.fit(input)));
  const out = await run(e.embed(input));
  for (let i = 0; i < out.rows; i++) {
    const r = row(out, i);
    assert.ok(Math.abs(Math.hypot(...r) - 1) < 1e-5);
  }
  // Centred on the input: the mean of the (pre-l2) rows was removed, so
  // unrelated sentences are not all similar to each other.
  assert.ok(cosine(row(out, 0), row(out, 3)) < 0.5);
});

Deno.test("empty input and blank sentences are EmptyInput errors", async () => {
  const loaded = await run(loadPipeline(transductive));
  const e1 = await run(Effect.flip(loaded.fit([])));
  assert.equal(e1._tag, "EmptyInput");
  const embedder = await run(loaded.fit(["a b"]));
  const e2 = await run(Effect.flip(embedder.embed(["fine", "   "])));
  assert.equal(e2._tag, "EmptyInput");
  assert.match(e2.message, /sentence 1 is blank/);
});

Deno.test("a pipeline naming a missing model folder fails with MissingModelFiles", async () => {
  const spec = pipeline(
    "t",
    modelTokenizer("not-downloaded-model"),
    ...tokenPhase.slice(1),
  );
  const e = await run(Effect.flip(loadPipeline(spec)));
  assert.equal(e._tag, "MissingModelFiles");
  assert.match(e.message, /not-downloaded-model/);
});

Deno.test("the default pipeline embeds offline and deterministically", async () => {
  const { randomHashedWords } = await import(
    "../../pipelines/random_hashed_words.ts"
  );
  const texts = [
    "A man is playing a guitar.",
    "A man plays the guitar.",
    "Stock markets fell sharply.",
  ];
  const loaded = await run(loadPipeline(randomHashedWords));
  const a = await run(Effect.flatMap(loaded.fit(texts), (e) => e.embed(texts)));
  const b = await run(Effect.flatMap(loaded.fit(texts), (e) => e.embed(texts)));
  assert.deepEqual(a.data, b.data);
  assert.equal(a.dim, 2048);
  // Paraphrases are closer than unrelated sentences.
  assert.ok(cosine(row(a, 0), row(a, 1)) > cosine(row(a, 0), row(a, 2)) + 0.3);
});
