import "../temp_cache.ts";
import assert from "node:assert/strict";
import { openLanceTable } from "../../src/io/write_lancedb.ts";
import { cli, natsTest, output, submitArgs } from "./queue_harness.ts";

const ingest = (args: string[]) => output(cli("src/cli/ingest.ts", args));

natsTest(
  "ingest: a worker running another pipeline refuses the chunks, " +
    "writes nothing and exits 1 naming both; a transductive pipeline is " +
    "refused at submit",
  async (server) => {
    const dir = await Deno.makeTempDir({ prefix: "sentemb-queue-" });
    try {
      const input = `${dir}/in.txt`;
      await Deno.writeTextFile(
        input,
        "A cat sat on the mat.\nThe market fell.\nRain in the valley.\n",
      );
      const submitAs = (pipeline: string, ...more: string[]) =>
        ingest(submitArgs(server.url, input, "--pipeline", pipeline, ...more));
      const transductive = await submitAs("random-stems-idf");
      assert.equal(transductive.code, 1);
      assert.match(transductive.stderr, /fitted on the whole input/);

      const submit = await submitAs(
        "random-stems-corpus-idf",
        "--chunk",
        "2",
      );
      assert.equal(submit.code, 0, submit.stderr);
      assert.match(submit.stdout, /submitted 2 chunks \(3 sentences/);

      const worker = await ingest([
        "worker",
        "--queue",
        server.url,
        "--to",
        `lancedb://${dir}/db/t`,
        "--exit-when-empty",
      ]);
      assert.equal(worker.code, 1);
      assert.match(
        worker.stderr,
        /is for pipeline random-stems-corpus-idf \(hash f3f642dc0ba2\); this worker runs random-stems-corpus-sif \(hash 3d0d4915a1b6\)/,
      );
      assert.equal(
        await openLanceTable({ db: `${dir}/db`, table: "t" }),
        undefined,
      );

      const status = await ingest(["status", "--queue", server.url]);
      assert.equal(status.code, 0, status.stderr);
      assert.match(status.stdout, /2 submitted, 0 done, 0 failed, 2 to do/);
      assert.match(status.stdout, /queue: 2 messages/);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);
