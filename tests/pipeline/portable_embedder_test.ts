import assert from "node:assert/strict";
import { Effect } from "effect";
import { PIPELINES } from "../../pipelines/mod.ts";
import { withoutArtifact } from "../../src/pipeline/hash.ts";
import { loadPipeline } from "../../src/pipeline/load.ts";
import {
  portabilityOf,
  portableEmbedder,
} from "../../src/pipeline/portable.ts";
import { testLayer, testPaths } from "../test_paths.ts";

const byName = (n: string) => PIPELINES.find((p) => p.name === n)!;

Deno.test("the portable embedder gives the server's vectors bit for bit", async () => {
  const spec = byName("random-stems-corpus-idf");
  const texts = ["Two dogs were playing in the snow.", "A man plays a guitar!"];
  const server = await Effect.runPromise(
    loadPipeline(spec).pipe(
      Effect.flatMap((p) => p.fit(texts)),
      Effect.flatMap((e) => e.embed(texts)),
      Effect.provide(testLayer),
    ),
  );
  const bytes = Deno.readFileSync(
    `${testPaths.artifacts}/${spec.artifact}.semb`,
  );
  const local = portableEmbedder(spec, bytes)(texts);
  assert.equal(local.dim, server.dim);
  assert.deepEqual(local.data, server.data);
});

Deno.test("pipelines that need files or their input are not portable, with the reason", () => {
  assert.equal(portabilityOf(byName("random-stems-corpus-idf")), undefined);
  assert.match(
    portabilityOf(byName("random-stems-idf"))!,
    /fitted on its input/,
  );
  assert.match(
    portabilityOf(byName("random-bert-ids-mean"))!,
    /tokenizer file/,
  );
  assert.match(portabilityOf(byName("word2vec-mean"))!, /word-vector file/);
  assert.match(
    portabilityOf(withoutArtifact(byName("random-stems-corpus-idf")))!,
    /not shipped/,
  );
  assert.throws(
    () => portableEmbedder(byName("random-stems-idf")),
    /cannot run portably/,
  );
});
