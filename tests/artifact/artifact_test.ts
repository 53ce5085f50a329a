import assert from "node:assert/strict";
import { Effect, Exit } from "effect";
import { PIPELINES } from "../../pipelines/mod.ts";
import {
  artifactPath,
  readStatisticsArtifact,
  writeStatisticsArtifact,
} from "../../src/artifact/artifact_store.ts";
import { contentHash } from "../../src/artifact/content_hash.ts";
import {
  decodeContainer,
  encodeContainer,
} from "../../src/artifact/container.ts";
import {
  decodeStatistics,
  encodeStatistics,
  type FittedStatistics,
} from "../../src/artifact/fitted_statistics.ts";
import { fromData } from "../../src/embeddings.ts";
import { pipelineHash } from "../../src/pipeline/hash.ts";
import { loadPipeline, withoutArtifact } from "../../src/pipeline/load.ts";
import { fitChain } from "../stages/step_harness.ts";
import { servicesLayer } from "../../src/services.ts";
import { testLayer, testPaths } from "../test_paths.ts";

const meta = {
  kind: "pipeline-statistics",
  pipeline: "p",
  fittedFor: "abc",
  corpus: "test",
} as const;

Deno.test("the container keeps sections aligned and byte-exact", () => {
  const bytes = encodeContainer({ note: "x" }, [
    ["odd", Uint8Array.of(1, 2, 3)],
    ["ints", Uint32Array.of(7, 4294967295)],
    ["floats", Float32Array.of(0.5, -2, Math.PI)],
  ]);
  assert.equal(new TextDecoder().decode(bytes.subarray(0, 8)), "SEMBART1");
  const c = decodeContainer(bytes);
  assert.deepEqual(c.header.meta, { note: "x" });
  assert.deepEqual(c.section("odd"), Uint8Array.of(1, 2, 3));
  assert.deepEqual(c.section("ints"), Uint32Array.of(7, 4294967295));
  assert.deepEqual(c.section("floats"), Float32Array.of(0.5, -2, Math.PI));
  assert.equal(c.section("absent"), undefined);
  assert.throws(() => decodeContainer(Uint8Array.of(1, 2, 3)), /magic/);
  assert.throws(
    () => decodeContainer(bytes.subarray(0, bytes.length - 8)),
    /truncated/,
  );
});

Deno.test("statistics and fitted steps' sections survive a round trip exactly", () => {
  const x = fromData(
    6,
    3,
    Float32Array.of(1, 2, 0, 3, 1, 1, 0, 0, 2, 5, 1, 3, 2, 2, 2, 1, 4, 0),
  );
  const chain = fitChain([
    { _tag: "zscore" },
    { _tag: "abtt", k: 1 },
    { _tag: "whiten", k: 2 },
    { _tag: "quantile", quantiles: 4 },
    { _tag: "l2" },
  ], x);
  // Sections by list position, as a pipeline stores them (l2 has none).
  const sections = new Map(
    chain.flatMap((s, i) =>
      s.module.artifact ? [[i + 5, s.module.artifact.encode(s.f)] as const] : []
    ),
  );
  const fitted: FittedStatistics = {
    stats: {
      sentences: 3,
      tokens: 9,
      df: new Map([["b", 1], ["a", 3], ["naïve", 2]]),
      count: new Map([["b", 2], ["a", 5], ["naïve", 2]]),
    },
    sections,
  };
  const bytes = encodeStatistics(meta, fitted);
  const back = decodeStatistics(bytes);
  assert.deepEqual(back.fitted.stats, fitted.stats);
  assert.deepEqual(back.fitted.sections, sections);
  assert.deepEqual([...sections.keys()], [5, 6, 7, 8]);
  assert.equal(back.meta.fittedFor, "abc");
  // Deterministic: the same statistics give the same bytes and hash.
  assert.equal(contentHash(encodeStatistics(meta, fitted)), contentHash(bytes));
});

Deno.test("a stored artifact is refused when missing, edited or for another version", async () => {
  await Deno.mkdir(".cache", { recursive: true });
  const dir = await Deno.makeTempDir({ dir: ".cache" });
  try {
    const fitted = {
      stats: {
        sentences: 1,
        tokens: 1,
        df: new Map([["a", 1]]),
        count: new Map([["a", 1]]),
      },
      sections: new Map(),
    };
    const hash = writeStatisticsArtifact(dir, meta, fitted);
    assert.match(hash, /^[0-9a-f]{16}$/);
    const ok = await Effect.runPromise(
      readStatisticsArtifact(dir, hash, "abc"),
    );
    assert.deepEqual(ok.stats, fitted.stats);
    const failure = async (h: string, fittedFor: string, pattern: RegExp) => {
      const exit = await Effect.runPromiseExit(
        readStatisticsArtifact(dir, h, fittedFor),
      );
      assert.ok(Exit.isFailure(exit));
      assert.match(String(exit.cause), /ArtifactError/);
      assert.match(String(exit.cause), pattern);
    };
    await failure(hash, "other", /fitted for pipeline version abc/);
    await failure("0123456789abcdef", "abc", /deno task fit/);
    await failure("../../etc/passwd", "abc", /16-digit hex/);
    const bytes = Deno.readFileSync(artifactPath(dir, hash));
    bytes[bytes.length - 1] ^= 1;
    Deno.writeFileSync(artifactPath(dir, hash), bytes);
    await failure(hash, "abc", /does not hash to its name/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("every declared artifact is reproduced by refitting, and replaces the corpus", async () => {
  const sentences = [
    "Two dogs were playing in the snow.",
    "A man plays a guitar.",
  ];
  for (
    const spec of PIPELINES.filter((p) =>
      p.artifact && p.stages[0]._tag === "wordTokenizer"
    )
  ) {
    const fresh = await Effect.runPromise(
      loadPipeline(withoutArtifact(spec)).pipe(
        Effect.provide(testLayer),
      ),
    );
    const fitted = fresh.corpusStatistics()!;
    const bytes = encodeStatistics({
      kind: "pipeline-statistics",
      pipeline: spec.name,
      fittedFor: pipelineHash(withoutArtifact(spec)),
      corpus: fitted.corpus,
    }, fitted.fitted);
    assert.equal(
      contentHash(bytes),
      spec.artifact,
      `${spec.name} artifact is stale`,
    );
    // With the artifact, no corpus is read: point the data folder nowhere.
    const shipped = await Effect.runPromise(
      loadPipeline(spec).pipe(
        Effect.provide(servicesLayer({ ...testPaths, data: "/nonexistent" })),
      ),
    );
    const embed = (p: typeof fresh) =>
      Effect.runPromise(
        p.fit(sentences).pipe(Effect.flatMap((e) => e.embed(sentences))),
      );
    assert.deepEqual((await embed(shipped)).data, (await embed(fresh)).data);
  }
});
