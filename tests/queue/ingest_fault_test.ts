import "../temp_cache.ts";
import assert from "node:assert/strict";
import { Effect } from "effect";
import { DEFAULT_PIPELINE, loadPipeline, PIPELINES } from "../../mod.ts";
import { loadGeneralCorpus } from "../../src/corpus/general_corpus.ts";
import { openLanceTable } from "../../src/io/write_lancedb.ts";
import { chunkKey, makeChunk } from "../../src/queue/chunk.ts";
import { allStates, markSubmitted } from "../../src/queue/chunk_state.ts";
import { deadLetters } from "../../src/queue/dead_letter.ts";
import { openQueue } from "../../src/queue/nats_queue.ts";
import { publishChunk } from "../../src/queue/submit.ts";
import { testLayer, testPaths } from "../test_paths.ts";
import { cli, killAll, natsTest, submitArgs, text } from "./queue_harness.ts";

const N = 20_000;
const CHUNK = 100;

const ingest = (args: string[]) => cli("src/cli/ingest.ts", args);

natsTest(
  "ingest: 3 workers, one SIGKILLed and one SIGTERMed mid-run, a " +
    "replacement: every sentence once with the library's vector, the " +
    "poison chunk in the dead letters",
  async (server) => {
    const dir = await Deno.makeTempDir({ prefix: "sentemb-queue-" });
    const q = await openQueue(server.url);
    const workers: Deno.ChildProcess[] = [];
    try {
      const sentences = await Effect.runPromise(
        loadGeneralCorpus(testPaths.data, N),
      );
      assert.equal(sentences.length, N);
      const input = `${dir}/in.txt`;
      await Deno.writeTextFile(input, sentences.join("\n") + "\n");
      const submitAll = () =>
        ingest(submitArgs(server.url, input, "--chunk", String(CHUNK)))
          .output();
      const submit = await submitAll();
      assert.equal(submit.code, 0, text(submit.stderr));
      assert.match(text(submit.stdout), /submitted 200 chunks \(20000 /);

      // The poison chunk: its payload altered after its content hash was
      // taken, so every worker that gets it refuses it.
      const spec = PIPELINES.find((p) => p.name === DEFAULT_PIPELINE)!;
      const embedder = await Effect.runPromise(Effect.provide(
        Effect.flatMap(loadPipeline(spec), (p) => p.fit([])),
        testLayer,
      ));
      const good = makeChunk(
        {
          pipeline: spec.name,
          hash: embedder.hash,
          source: "planted",
          seq: 0,
        },
        ["bad-1", "bad-2"],
        ["a fine sentence", "another one"],
      );
      const bad = { ...good, texts: ["a fine sentence", "altered"] };
      await publishChunk(q, bad);
      await markSubmitted(q.state, chunkKey(bad), 2);

      const to = `lancedb://${dir}/db/vectors`;
      const worker = () => {
        const w = ingest([
          "worker",
          "--queue",
          server.url,
          "--to",
          to,
          "--ack-wait",
          "2",
          "--lease",
          "10",
          "--max-deliver",
          "3",
          "--concurrency",
          "2",
          "--exit-when-empty",
          // Each chunk takes at least 150 ms, so the kills below land while
          // every worker still has chunks to do, however loaded the machine.
          "--throttle-ms",
          "150",
        ]).spawn();
        workers.push(w);
        return w;
      };
      const done = async () =>
        [...(await allStates(q.state)).values()].filter((s) =>
          s.state === "done"
        ).length;
      const until = async (chunks: number) => {
        const end = Date.now() + 120_000;
        while (await done() < chunks) {
          if (Date.now() > end) throw new Error(`${chunks} chunks not done`);
          await new Promise((r) => setTimeout(r, 100));
        }
      };
      // A worker that never exits fails the test instead of hanging it.
      const within = <T>(p: Promise<T>): Promise<T> => {
        let timer: ReturnType<typeof setTimeout> | undefined;
        return Promise.race([
          p.finally(() => clearTimeout(timer)),
          new Promise<never>((_, reject) => {
            timer = setTimeout(
              () => reject(new Error("a worker did not exit in 120 s")),
              120_000,
            );
          }),
        ]);
      };
      const [a, b] = [worker(), worker(), worker()];
      await until(30);
      a.kill("SIGKILL");
      await until(70);
      b.kill("SIGTERM");
      const drained = await within(b.output());
      assert.equal(drained.code, 0, text(drained.stderr));
      assert.match(text(drained.stderr), /stopped on request/);
      worker();
      const ends = await within(
        Promise.all(workers.slice(2).map((w) => w.output())),
      );
      for (const e of ends) assert.equal(e.code, 0, text(e.stderr));
      assert.equal((await a.status).signal, "SIGKILL");

      // Exactly the 20,000 ids, each once, each the library's vector.
      const table = (await openLanceTable({
        db: `${dir}/db`,
        table: "vectors",
      }))!;
      const rows = await table.query().select(["id", "vector", "hash"])
        .limit(10 * N).toArray();
      table.close();
      assert.equal(rows.length, N);
      const ids = rows.map((r) => String(r.id));
      assert.equal(new Set(ids).size, N);
      const expected = await Effect.runPromise(embedder.embed(sentences));
      const dim = expected.dim;
      let worst = 0;
      for (const r of rows) {
        assert.equal(r.hash, embedder.hash);
        const line = Number(r.id);
        assert.ok(Number.isInteger(line) && line >= 1 && line <= N, r.id);
        const v = r.vector.toArray() as Float32Array;
        assert.equal(v.length, dim);
        const at = (line - 1) * dim;
        for (let j = 0; j < dim; j++) {
          worst = Math.max(worst, Math.abs(v[j] - expected.data[at + j]));
        }
      }
      assert.ok(worst <= 1e-6, `largest difference ${worst}`);

      // The dead letters: the poison chunk alone, with its error.
      const dead = await deadLetters(q);
      assert.equal(dead.length, 1);
      assert.equal(dead[0].key, chunkKey(bad));
      assert.equal(dead[0].deliveries, 3);
      assert.match(dead[0].error, /content hash/);

      const status = await ingest(["status", "--queue", server.url]).output();
      assert.equal(status.code, 0, text(status.stderr));
      const out = text(status.stdout);
      assert.match(out, /201 submitted, 200 done, 1 failed, 0 to do/);
      assert.match(out, /sentences done: 20000/);
      assert.match(out, /dead letters: 1/);

      // A re-submit sends nothing: every chunk is done.
      const again = await submitAll();
      assert.equal(again.code, 0, text(again.stderr));
      assert.match(text(again.stdout), /submitted 0 chunks .* 200 chunks/);
    } finally {
      await killAll(workers);
      await q.nc.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
);
