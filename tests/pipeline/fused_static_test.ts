import "../temp_cache.ts";
import assert from "node:assert/strict";
import { Effect } from "effect";
import { pipeline } from "../../src/pipeline/builder.ts";
import { loadPipeline } from "../../src/pipeline/load.ts";
import { servicesLayer } from "../../src/services.ts";
import {
  dropTokens,
  idf,
  l2,
  meanPool,
  randomVectors,
  wordTokens,
} from "../../src/stages/mod.ts";
import { testPaths } from "../test_paths.ts";

const TEXTS = [
  "A man is playing a guitar.",
  "Two dogs play in the snow; a dog runs.",
  "The café opened in 2021.",
  "...",
  "a a a",
  "Numbers like 3,000 and 2.5 stay whole",
];

Deno.test("a static pipeline's embed (scan and pool by key) gives the bits of embedTokens(tokenize)", async () => {
  const spec = pipeline(
    "fused-check",
    wordTokens({ lowercase: true, stem: true }),
    randomVectors(48, 9),
    idf("input"),
    dropTokens({ special: true, punctuation: true }),
    meanPool(),
    l2(),
  );
  const e = await Effect.runPromise(Effect.provide(
    loadPipeline(spec).pipe(Effect.flatMap((p) => p.fit(TEXTS))),
    servicesLayer(testPaths),
  ));
  for (const options of [undefined, { dimensions: 16 }]) {
    const fused = await Effect.runPromise(e.embed(TEXTS, options));
    const tokenized = await Effect.runPromise(
      e.embedTokens(e.tokenize(TEXTS), options),
    );
    assert.equal(fused.dim, options?.dimensions ?? 48);
    assert.deepEqual(
      new Uint32Array(fused.data.buffer),
      new Uint32Array(tokenized.data.buffer),
    );
  }
});
