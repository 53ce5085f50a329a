import "../temp_cache.ts";
import assert from "node:assert/strict";
import { pipelineHash } from "../../src/pipeline/hash.ts";
import { PIPELINES } from "../../mod.ts";
import { deadLetters } from "../../src/queue/dead_letter.ts";
import { evalJobKey, submitEvalJobs } from "../../src/queue/eval_job.ts";
import { EVAL_QUEUE_NAMES } from "../../src/queue/names.ts";
import { openQueue } from "../../src/queue/nats_queue.ts";
import { cli, killAll, natsTest, text } from "./queue_harness.ts";

// A small grid: the first 3 variants of a static pipeline on two STS tasks.
const GRID = [
  "--grid",
  "--pipeline",
  "random-stems-idf",
  "--limit",
  "3",
  "--tasks",
  "STS16,BIOSSES",
];

const evalCommand = (args: string[]) => cli("bench/eval.ts", args);

const run = async (args: string[]) => {
  const out = await evalCommand(args).output();
  assert.equal(out.code, 0, text(out.stderr));
  return text(out.stdout);
};

interface VariantJson {
  pipeline: string;
  hash: string;
  tasks: Record<string, number>;
  pearson: Record<string, number>;
  avg7: number;
  avg8: number;
  isotropy: unknown;
}

// What a grid's scores are, without the timings.
const scores = (json: string) => {
  const o = JSON.parse(json) as {
    best: unknown;
    variants: VariantJson[];
  };
  return {
    best: o.best,
    variants: o.variants.map((v) => ({
      pipeline: v.pipeline,
      hash: v.hash,
      tasks: v.tasks,
      pearson: v.pearson,
      avg7: v.avg7,
      avg8: v.avg8,
      isotropy: v.isotropy,
    })),
  };
};

natsTest(
  "eval --grid --queue: 2 workers score the (variant, task) jobs, the " +
    "report equals a local run's, a re-submit sends nothing, a poison job " +
    "is dead-lettered with its error",
  async (server) => {
    const workers: Deno.ChildProcess[] = [];
    try {
      const queue = ["--queue", server.url];
      const submitted = await run([...GRID, ...queue]);
      // 3 variants x (2 STS tasks + isotropy).
      assert.match(submitted, /submitted 9 jobs \(0 sent before\)/);
      assert.match(submitted, /deno task eval --worker --queue nats:/);

      // Before any worker: progress, no report.
      const early = await evalCommand([...GRID, ...queue, "--report"])
        .output();
      assert.equal(early.code, 0, text(early.stderr));
      assert.equal(text(early.stdout), "");
      assert.match(text(early.stderr), /jobs: 9, 0 done, 0 failed, 9 to do/);

      // A poison job: a task no suite has.
      const q = await openQueue(server.url, EVAL_QUEUE_NAMES);
      const spec = PIPELINES.find((p) => p.name === "random-stems-idf")!;
      const hash = pipelineHash(spec);
      const poison = {
        key: evalJobKey(hash, "raw", "sts", "NoSuchTask"),
        pipeline: spec.name,
        hash,
        spec,
        suite: "sts" as const,
        task: "NoSuchTask",
        variant: "raw",
      };
      assert.deepEqual(await submitEvalJobs(q, [poison]), {
        published: 1,
        skipped: 0,
      });

      for (let i = 0; i < 2; i++) {
        workers.push(
          evalCommand([
            "--worker",
            ...queue,
            "--max-deliver",
            "2",
            "--exit-when-empty",
          ]).spawn(),
        );
      }
      const outs = await Promise.all(workers.map((w) => w.output()));
      let jobs = 0, dead = 0;
      for (const o of outs) {
        assert.equal(o.code, 0, text(o.stderr));
        const m = text(o.stdout).match(/worker: (\d+) jobs done, (\d+) dead/);
        assert.ok(m, text(o.stdout));
        jobs += Number(m[1]);
        dead += Number(m[2]);
      }
      assert.equal(jobs, 9);
      assert.equal(dead, 1);
      const letters = await deadLetters(q, EVAL_QUEUE_NAMES);
      assert.equal(letters.length, 1);
      assert.equal(letters[0].key, poison.key);
      assert.match(letters[0].error, /no task "NoSuchTask" in the sts suite/);
      await q.nc.close();

      const reported = await run([...GRID, ...queue, "--report", "--json"]);
      const local = await run([...GRID, "--json"]);
      const a = scores(reported), b = scores(local);
      assert.equal(a.variants.length, 3);
      assert.deepEqual(Object.keys(a.variants[0].tasks), ["STS16", "BIOSSES"]);
      assert.deepEqual(a, b);

      const again = await run([...GRID, ...queue]);
      assert.match(again, /submitted 0 jobs \(9 sent before\)/);
    } finally {
      await killAll(workers);
    }
  },
);
