import "../temp_cache.ts";
import assert from "node:assert/strict";
import { Effect } from "effect";
import { embedWith, ServicesFromEnv } from "../../mod.ts";

/**
 * A user's own pipelines, in a folder outside the repository, through every
 * command the way a user types them: `deno task embed|eval|fit|pipelines`
 * and `deno task serve` answering a real request.
 */
const root = new URL("../../", import.meta.url).pathname;

const task = async (args: string[], stdin?: string) => {
  const child = new Deno.Command("deno", {
    args: ["task", "-q", ...args],
    cwd: root,
    stdin: stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (stdin !== undefined) {
    const w = child.stdin.getWriter();
    await w.write(new TextEncoder().encode(stdin));
    await w.close();
  }
  const out = await child.output();
  return {
    code: out.code,
    stdout: new TextDecoder().decode(out.stdout),
    stderr: new TextDecoder().decode(out.stderr),
  };
};

const USER_TS = `import {
  dropTokens, idf, l2, meanPool, pipeline, randomVectors, truncate, wordTokens,
} from "@sentemb/sentemb";

// Two pipelines of one's own: a file may declare several.
export default [
  pipeline(
    "my-words",
    wordTokens({ lowercase: true, stem: true }),
    randomVectors(512, 42),
    idf("input"),
    dropTokens({ punctuation: true }),
    meanPool(),
    truncate(128),
    l2(),
    { description: "stems, idf on the input, 128-d unit vectors" },
  ),
  pipeline("my-plain", wordTokens(), randomVectors(64, 1), meanPool()),
];
`;

const SENTENCES = ["A man plays a guitar.", "Two dogs run in the snow."];

const lines = (stdout: string) =>
  stdout.trim().split("\n").map((l) =>
    JSON.parse(l) as { text: string; embedding: number[] }
  );

Deno.test("a user's .ts and .json pipelines run through embed, eval, fit --name and serve", async () => {
  const dir = await Deno.makeTempDir({ prefix: "sentemb-user-" });
  try {
    await Deno.writeTextFile(`${dir}/mine.ts`, USER_TS);
    await Deno.writeTextFile(`${dir}/in.txt`, SENTENCES.join("\n") + "\n");

    // embed, .ts module (FILE#NAME picks one of its two pipelines).
    const ts = await task([
      "embed",
      "--pipeline",
      `${dir}/mine.ts#my-words`,
      "--input",
      `${dir}/in.txt`,
    ]);
    assert.equal(ts.code, 0, ts.stderr);
    const got = lines(ts.stdout);
    assert.equal(got.length, 2);
    assert.equal(got[0].embedding.length, 128);
    // The same vectors as the library computes for the same declaration.
    const { default: declared } = await import(`${dir}/mine.ts`);
    const lib = await Effect.runPromise(
      embedWith(declared[0], SENTENCES).pipe(Effect.provide(ServicesFromEnv)),
    );
    got.forEach((l, i) =>
      l.embedding.forEach((v, j) =>
        assert.ok(Math.abs(v - lib.data[i * 128 + j]) < 1e-7)
      )
    );
    // Several pipelines and no #NAME: a clear error, exit 1.
    const two = await task(["embed", "--pipeline", `${dir}/mine.ts`], "x\n");
    assert.equal(two.code, 1);
    assert.match(two.stderr, /declares 2 pipelines \(my-words, my-plain\)/);

    // pipelines --json → edit → --pipeline my.json round-trips.
    const listed = await task(["pipelines", "--json"]);
    assert.equal(listed.code, 0, listed.stderr);
    const rows = JSON.parse(listed.stdout) as Array<
      { name: string; declaration: { name: string; stages: unknown[] } }
    >;
    const mean = rows.find((r) => r.name === "random-bert-ids-mean")!;
    const edited = { ...mean.declaration, name: "my-edit" };
    await Deno.writeTextFile(`${dir}/edit.json`, JSON.stringify(edited));
    const asJson = await task(
      ["embed", "--pipeline", `${dir}/edit.json`],
      "A cat sat.\n",
    );
    const asName = await task(
      ["embed", "--pipeline", "random-bert-ids-mean"],
      "A cat sat.\n",
    );
    assert.equal(asJson.code, 0, asJson.stderr);
    assert.deepEqual(lines(asJson.stdout), lines(asName.stdout));

    // eval --suite sts --json on the user's pipeline.
    const ev = await task([
      "eval",
      "--pipeline",
      `${dir}/mine.ts#my-words`,
      "--suite",
      "sts",
      "--json",
    ]);
    assert.equal(ev.code, 0, ev.stderr);
    const report = JSON.parse(ev.stdout);
    assert.equal(report.pipeline, "my-words");
    const scores = JSON.stringify(report);
    assert.match(scores, /STSBenchmark/);

    // fit --name on the user's own collection: artifact + declaration beside.
    await Deno.writeTextFile(
      `${dir}/collection.txt`,
      Array.from(
        { length: 200 },
        (_, i) => `Sentence ${i} says the guitar and the dogs ${i % 9}.`,
      ).join("\n"),
    );
    const fit = await task([
      "fit",
      "--pipeline",
      `${dir}/mine.ts#my-words`,
      "--corpus",
      `${dir}/collection.txt`,
      "--name",
      "my-fitted",
      "--out",
      dir,
    ]);
    assert.equal(fit.code, 0, fit.stderr);
    const saved = JSON.parse(
      await Deno.readTextFile(`${dir}/my-fitted.json`),
    );
    assert.equal(saved.name, "my-fitted");
    assert.ok(
      (await Deno.stat(`${dir}/${saved.artifact}.semb`)).isFile,
      "the artifact sits beside the declaration",
    );
    // Its idf is now fitted on the collection, not on the input.
    assert.doesNotMatch(JSON.stringify(saved.stages), /"input"/);
    const fitted = await task([
      "embed",
      "--pipeline",
      `${dir}/my-fitted.json`,
      "--input",
      `${dir}/in.txt`,
    ]);
    assert.equal(fitted.code, 0, fitted.stderr);
    const fittedRows = lines(fitted.stdout);

    // serve the fitted pipeline (only it) and ask for it over HTTP.
    const port = 18000 + Math.floor(Math.random() * 2000);
    const server = new Deno.Command("deno", {
      args: [
        "task",
        "-q",
        "serve",
        "--port",
        String(port),
        "--pipelines",
        `${dir}/my-fitted.json`,
        "--only",
      ],
      cwd: root,
      stdout: "null",
      stderr: "piped",
    }).spawn();
    try {
      const reader = server.stderr.pipeThrough(new TextDecoderStream())
        .getReader();
      let said = "";
      while (!said.includes("serving on")) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`server stopped: ${said}`);
        said += value;
      }
      reader.releaseLock();
      server.stderr.cancel().catch(() => {});
      const models = await (await fetch(
        `http://127.0.0.1:${port}/v1/models`,
      )).json();
      assert.deepEqual(
        models.data.map((m: { id: string }) => m.id),
        ["my-fitted"],
      );
      const r = await fetch(`http://127.0.0.1:${port}/v1/embeddings`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: "my-fitted", input: SENTENCES }),
      });
      assert.equal(r.status, 200);
      const body = await r.json();
      // embed writes float32 shortest decimals: equal as float32 values.
      body.data.forEach((d: { embedding: number[] }, i: number) =>
        assert.deepEqual(
          d.embedding.map(Math.fround),
          fittedRows[i].embedding.map(Math.fround),
        )
      );
    } finally {
      server.kill("SIGTERM");
      await server.status;
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
