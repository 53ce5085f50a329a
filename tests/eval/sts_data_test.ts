import assert from "node:assert/strict";
import { Effect, Exit } from "effect";
import { loadStsTask } from "../../src/eval/sts_data.ts";
import { STS_PAIR_COUNTS, STS_TASKS } from "../../src/eval/sts_tasks.ts";
import { testPaths } from "../test_paths.ts";

const load = (...a: Parameters<typeof loadStsTask>) =>
  Effect.runPromise(loadStsTask(...a));

for (const variant of ["raw", "senteval"] as const) {
  Deno.test(`every STS task loads the MANIFEST's pair count (${variant})`, async () => {
    for (const task of STS_TASKS) {
      const p = await load(testPaths.data, task, variant);
      assert.equal(p.gold.length, STS_PAIR_COUNTS[task], task);
      assert.equal(p.s1.length, p.gold.length);
      assert.equal(p.s2.length, p.gold.length);
      assert.ok(p.gold.every((g) => g >= 0 && g <= 5), `${task} gold in [0,5]`);
      assert.ok(p.s1.every((s) => s.trim().length > 0), `${task} sentences`);
    }
  });
}

Deno.test("STS-B test reads score, s1, s2 from columns 5–7", async () => {
  const p = await load(testPaths.data, "STSBenchmark", "raw");
  const first = (await Deno.readTextFile(
    `${testPaths.data}/sts/STSBenchmark/raw/sts-test.csv`,
  )).split("\n")[0].split("\t");
  assert.equal(p.gold[0], Number(first[4]));
  assert.equal(p.s1[0], first[5]);
  assert.equal(p.s2[0], first[6]);
});

Deno.test("STS15 skips the pairs whose gold line is blank", async () => {
  const dir = `${testPaths.data}/sts/STS15/raw`;
  const gs = (await Deno.readTextFile(`${dir}/STS.gs.answers-forums.txt`))
    .split("\n");
  const input = (await Deno.readTextFile(
    `${dir}/STS.input.answers-forums.txt`,
  )).split("\n");
  const firstScored = gs.findIndex((g) => g.trim() !== "");
  const p = await load(testPaths.data, "STS15", "raw");
  // answers-forums sorts first among the STS15 subsets
  assert.equal(p.s1[0], input[firstScored].split("\t")[0]);
  assert.equal(p.gold[0], Number(gs[firstScored]));
});

Deno.test("a missing data folder is a DataError naming the path", async () => {
  const exit = await Effect.runPromiseExit(
    loadStsTask("/nonexistent", "STS12", "raw"),
  );
  assert.ok(Exit.isFailure(exit));
  assert.match(
    String(exit.cause),
    /DataError[\s\S]*\/nonexistent\/sts\/STS12\/raw/,
  );
});

Deno.test("a malformed gold score is a DataError with its line number", async () => {
  await Deno.mkdir(".cache", { recursive: true });
  const dir = await Deno.makeTempDir({ dir: ".cache" });
  try {
    await Deno.mkdir(`${dir}/sts/BIOSSES`, { recursive: true });
    await Deno.writeTextFile(
      `${dir}/sts/BIOSSES/biosses.tsv`,
      "id\ts1\ts2\ta\tb\tc\td\te\tmean\n1\tx\ty\t1\t1\t1\t1\t1\tn/a\n",
    );
    const exit = await Effect.runPromiseExit(
      loadStsTask(dir, "BIOSSES", "raw"),
    );
    assert.ok(Exit.isFailure(exit));
    assert.match(String(exit.cause), /line 2: gold score "n\/a"/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
