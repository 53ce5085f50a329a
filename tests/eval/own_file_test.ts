import "../temp_cache.ts";
import assert from "node:assert/strict";
import { Effect } from "effect";
import { fromData } from "../../src/embeddings.ts";
import { jsGemm } from "../../src/eval/gemm.ts";
import {
  classNumbers,
  readTable,
  scoreClassify,
  scoreCluster,
  scorePairs,
} from "../../src/eval/own_file.ts";
import type { SentenceEncoder } from "../../src/eval/sentence_encoder.ts";

/** An encoder with fixed vectors per text; remembers what it was fitted on. */
const fakeEncoder = (vectors: Record<string, number[]>) => {
  const fittedOn: string[][] = [];
  const encoder: SentenceEncoder = {
    hash: "fake",
    fit: (texts) => {
      fittedOn.push([...texts]);
      return Effect.succeed({
        embed: (ts) => {
          const dim = Object.values(vectors)[0].length;
          return Effect.succeed(
            fromData(
              ts.length,
              dim,
              Float32Array.from(ts.flatMap((t) => vectors[t])),
            ),
          );
        },
      });
    },
  };
  return { encoder, fittedOn };
};

const run = <A, E>(e: Effect.Effect<A, E>) => Effect.runPromise(e);

Deno.test("readTable reads the named columns of a TSV or CSV, skipping incomplete rows", async () => {
  const tsv = "id\ts1\ts2\tscore\n1\ta\tb\t3\n2\tc\t\t1\n3\td\te\t0.5\n";
  const t = await run(readTable("x.tsv", tsv, ["s1", "s2", "score"]));
  assert.deepEqual(t, { s1: ["a", "d"], s2: ["b", "e"], score: ["3", "0.5"] });
  const csv = 'text,label\n"a, b",x\nc,y\n';
  const c = await run(readTable("x.csv", csv, ["text", "label"]));
  assert.deepEqual(c, { text: ["a, b", "c"], label: ["x", "y"] });
  const missing = await Effect.runPromise(
    Effect.flip(readTable("x.tsv", tsv, ["text", "label"])),
  );
  assert.match(
    missing.message,
    /no column text, label in the header \(id, s1, s2, score\)/,
  );
});

Deno.test("classNumbers numbers labels in order of first appearance", () => {
  const { ids, names } = classNumbers(["b", "a", "b", "c"]);
  assert.deepEqual(Array.from(ids), [0, 1, 0, 2]);
  assert.deepEqual(names, ["b", "a", "c"]);
});

Deno.test("pairs: Spearman and Pearson x100 of the cosines, hand-computed; fitted on both sides", async () => {
  // Cosines 1, 0 and 0.6 against gold 2, 0, 1.
  const { encoder, fittedOn } = fakeEncoder({
    a: [1, 0],
    b: [1, 0],
    c: [1, 0],
    d: [0, 1],
    e: [1, 0],
    f: [0.6, 0.8],
  });
  const s = await run(
    scorePairs(encoder, "x.tsv", ["a", "c", "e"], ["b", "d", "f"], [
      "2",
      "0",
      "1",
    ]),
  );
  assert.equal(s.rows, 3);
  assert.ok(Math.abs(s.spearman - 100) < 1e-9);
  // Deviations of the cosines (7, -8, 1)/15 and of the gold (1, -1, 0):
  // r = 1 / sqrt(114/225 * 2) = 15 / sqrt(228).
  assert.ok(
    Math.abs(s.pearson - 100 * 15 / Math.sqrt(228)) < 1e-4,
    `${s.pearson}`,
  );
  assert.deepEqual(fittedOn, [["a", "c", "e", "b", "d", "f"]]);
  const bad = await Effect.runPromise(
    Effect.flip(scorePairs(encoder, "x.tsv", ["a"], ["b"], ["high"])),
  );
  assert.match(bad.message, /the score of pair 1 is not a number: "high"/);
});

const twoGroups = () => {
  const vectors: Record<string, number[]> = {};
  const texts: string[] = [];
  const labels: string[] = [];
  for (let i = 0; i < 10; i++) {
    vectors[`cat ${i}`] = [1, 0.01 * i];
    vectors[`stock ${i}`] = [0.01 * i, 1];
    texts.push(`cat ${i}`, `stock ${i}`);
    labels.push("animal", "finance");
  }
  return { vectors, texts, labels };
};

Deno.test("classify: two separable classes score 100 in 5-fold logistic regression", async () => {
  const { vectors, texts, labels } = twoGroups();
  const s = await run(
    scoreClassify(fakeEncoder(vectors).encoder, jsGemm, texts, labels, 5),
  );
  assert.deepEqual([s.rows, s.classes, s.folds, s.accuracy], [20, 2, 5, 100]);
});

Deno.test("cluster: two separable groups score ACC 100 and NMI 100; one mixed-up point less", async () => {
  const { vectors, texts, labels } = twoGroups();
  const s = await run(
    scoreCluster(fakeEncoder(vectors).encoder, jsGemm, texts, labels),
  );
  assert.deepEqual([s.rows, s.k, s.acc, s.nmi], [20, 2, 100, 100]);
  // Relabel one "cat" as finance: 19 of 20 can match, ACC = 95.
  const wrong = [...labels];
  wrong[0] = "finance";
  const t = await run(
    scoreCluster(fakeEncoder(vectors).encoder, jsGemm, texts, wrong),
  );
  assert.ok(Math.abs(t.acc - 95) < 1e-9, `${t.acc}`);
});
