import "../temp_cache.ts";
import assert from "node:assert/strict";
import { Effect, Exit } from "effect";
import { pipeline } from "../../src/pipeline/builder.ts";
import type { PipelineSpec } from "../../src/pipeline/spec.ts";
import {
  idf,
  meanPool,
  randomVectors,
  sif,
  transformer,
  wordTokens,
} from "../../src/stages/mod.ts";
import { makePortableService } from "../../src/serve/portable_service.ts";
import { randomStemsCorpusSif } from "../../pipelines/random_stems.ts";
import {
  provideRowKernel,
  rowKernelBytes,
  rowKernelSource,
} from "../../src/static/row_arena.ts";
import { testService } from "../edge/test_service.ts";

const words = wordTokens({ lowercase: true });
const REGISTRY: ReadonlyArray<PipelineSpec> = [
  randomStemsCorpusSif,
  pipeline("words-8", words, randomVectors(8, 2), meanPool()),
  pipeline(
    "words-idf-input",
    words,
    randomVectors(8, 2),
    idf("input"),
    meanPool(),
  ),
  pipeline(
    "words-sif-missing",
    words,
    randomVectors(8, 2),
    sif(1e-3, "corpus"),
    meanPool(),
    {
      artifact: "0000000000000000",
    },
  ),
  pipeline("tiny-transformer", transformer("no-such-model"), meanPool()),
];

const artifact = Deno.readFileSync(
  new URL(
    `../../artifacts/${randomStemsCorpusSif.artifact}.semb`,
    import.meta.url,
  ),
);

// Before any pipeline loads: the kernel handed in compiled is the one used.
provideRowKernel(new WebAssembly.Module(rowKernelBytes()));

const service = makePortableService(REGISTRY, {
  runtime: "testbed",
  artifacts: new Map([[randomStemsCorpusSif.artifact!, artifact]]),
  transformers: (spec) => `no model runtime for ${spec.name}`,
});

const failureOf = async (model: string) => {
  const exit = await Effect.runPromiseExit(service.embed(model, ["A cat."]));
  assert.ok(Exit.isFailure(exit));
  const reason = exit.cause.reasons[0];
  return (reason && "error" in reason ? reason.error : undefined) as {
    _tag: string;
    reason?: string;
    message: string;
  };
};

Deno.test("a portable service embeds from bundled bytes as the file server does", async () => {
  const sentences = [
    "A man plays a guitar.",
    "The market fell.",
    "A man plays a guitar.",
  ];
  const here = await Effect.runPromise(
    service.embed(randomStemsCorpusSif.name, sentences),
  );
  const server = await testService({}, [randomStemsCorpusSif]);
  const there = await Effect.runPromise(
    server.embed(randomStemsCorpusSif.name, sentences),
  );
  assert.equal(rowKernelSource(), "precompiled");
  assert.equal(here.vectors.dim, 2048);
  assert.equal(here.tokens, there.tokens);
  assert.equal(here.hash, there.hash);
  for (let i = 0; i < here.vectors.data.length; i++) {
    assert.ok(Math.abs(here.vectors.data[i] - there.vectors.data[i]) <= 1e-6);
  }
  assert.equal(
    service.availability(randomStemsCorpusSif.name).availability,
    "ready",
  );
  assert.deepEqual(
    service.portable.map((s) => s.name),
    [randomStemsCorpusSif.name, "words-8"],
  );
  const bytes = await Effect.runPromise(
    service.artifact(randomStemsCorpusSif.artifact!),
  );
  assert.equal(bytes.byteLength, artifact.byteLength);
});

Deno.test("what a portable host cannot run is a RuntimeUnsupported with its reason", async () => {
  const t = await failureOf("tiny-transformer");
  assert.equal(t._tag, "RuntimeUnsupported");
  assert.equal(t.reason, "no model runtime for tiny-transformer");
  assert.match(t.message, /does not run on testbed/);
  const missing = await failureOf("words-sif-missing");
  assert.equal(missing._tag, "RuntimeUnsupported");
  assert.match(missing.reason!, /was not bundled/);
  assert.equal(
    service.availability("tiny-transformer").availability,
    "unavailable",
  );
  // Transductive pipelines are refused as on the server.
  assert.equal(
    (await failureOf("words-idf-input"))._tag,
    "PipelineNotServable",
  );
  assert.equal((await failureOf("no-such"))._tag, "UnknownPipeline");
});
