import "../temp_cache.ts";
import assert from "node:assert/strict";

const root = new URL("../../", import.meta.url).pathname;
const PERMS = [
  "--allow-read",
  "--allow-env",
  "--allow-write=.cache",
  "--allow-sys",
  "--allow-ffi",
];

const cli = async (
  script: string,
  args: string[],
  stdin = "",
  env: Record<string, string> = {},
) => {
  const child = new Deno.Command("deno", {
    args: ["run", ...PERMS, script, ...args],
    cwd: root,
    env,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(stdin));
  await writer.close();
  const out = await child.output();
  return {
    code: out.code,
    stdout: new TextDecoder().decode(out.stdout),
    stderr: new TextDecoder().decode(out.stderr),
  };
};

Deno.test("embed with no --pipeline writes one JSON line per sentence", async () => {
  const r = await cli("src/cli/embed.ts", [], "A cat sat.\n\nA dog ran.\n");
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split("\n").map((l) => JSON.parse(l));
  assert.deepEqual(lines.map((l) => l.text), ["A cat sat.", "A dog ran."]);
  assert.equal(lines[0].embedding.length, 2048);
  assert.ok(lines[0].embedding.every(Number.isFinite));
});

Deno.test("embed reports typed errors with exit code 1", async () => {
  const unknown = await cli("src/cli/embed.ts", ["--pipeline", "nope"], "x\n");
  assert.equal(unknown.code, 1);
  assert.match(
    unknown.stderr,
    /error\[UnknownPipeline\]: Unknown pipeline "nope"/,
  );
  const empty = await cli("src/cli/embed.ts", [], "\n  \n");
  assert.equal(empty.code, 1);
  assert.match(empty.stderr, /error\[EmptyInput\]/);
  const usage = await cli("src/cli/embed.ts", ["--pipelin", "x"], "");
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /Usage: deno task embed/);
});

Deno.test("pipelines --json lists name, hash, needs and statistics", async () => {
  const r = await cli("src/cli/pipelines.ts", ["--json"]);
  assert.equal(r.code, 0, r.stderr);
  const rows = JSON.parse(r.stdout);
  const byName = Object.fromEntries(
    rows.map((x: { name: string }) => [x.name, x]),
  );
  assert.equal(byName["random-stems-corpus-sif"].default, true);
  assert.equal(byName["random-stems-corpus-sif"].statistics, "corpus");
  assert.match(
    byName["random-stems-corpus-sif"].needs,
    /artifact [0-9a-f]{16}/,
  );
  assert.equal(byName["random-stems-idf"].statistics, "transductive");
  assert.equal(byName["random-bert-ids-idf"].statistics, "transductive");
  assert.equal(byName["random-bert-ids-mean"].statistics, "none");
  assert.match(byName["word2vec-mean"].needs, /word2vec-top1000-300d/);
  for (const x of rows) assert.match(x.hash, /^[0-9a-f]{12}$/);
});

Deno.test("pipelines --json says each pipeline's dimension, whether it runs on this host and why not, and its recorded STS avg8", async () => {
  // A host with no model folders at all: only what ships with the project runs.
  const empty = await Deno.makeTempDir({ dir: ".cache", prefix: "no-models-" });
  try {
    const r = await cli("src/cli/pipelines.ts", ["--json"], "", {
      SENTEMB_MODELS: empty,
    });
    assert.equal(r.code, 0, r.stderr);
    const rows = JSON.parse(r.stdout);
    const byName = Object.fromEntries(
      rows.map((x: { name: string }) => [x.name, x]),
    );
    const sif = byName["random-stems-corpus-sif"];
    assert.equal(sif.dim, 2048);
    assert.equal(sif.host.runnable, true);
    assert.equal(sif.host.why, null);
    assert.equal(sif.sts.avg8, 69.05);
    assert.equal(sif.declaration.name, "random-stems-corpus-sif");
    const bert = byName["random-bert-ids-idf"];
    assert.equal(bert.host.runnable, false);
    assert.match(bert.host.why, /tokenizer bert-base-uncased missing/);
    assert.ok(bert.host.why.includes(empty));
    const cls = byName["bert-base-cls"];
    assert.equal(cls.host.runnable, false);
    assert.equal(cls.sts, null);
    for (const x of rows) {
      assert.equal(typeof x.host.runnable, "boolean");
      assert.ok(x.dim === null || Number.isInteger(x.dim));
    }
    const text = await cli("src/cli/pipelines.ts", [], "", {
      SENTEMB_MODELS: empty,
    });
    assert.equal(text.code, 0, text.stderr);
    assert.match(
      text.stdout,
      /random-stems-corpus-sif \(default\) +[0-9a-f]{12} +dim 2048 +statistics: corpus +STS avg8: 69\.05/,
    );
    assert.match(
      text.stdout,
      /cannot run here: tokenizer bert-base-uncased missing/,
    );
    assert.match(text.stdout, /\d+ of \d+ pipelines run on this host now/);
  } finally {
    await Deno.remove(empty, { recursive: true });
  }
});

const evalSts = (pipeline: string) =>
  cli("bench/eval.ts", ["--pipeline", pipeline, "--suite", "sts", "--json"]);

Deno.test("eval --json: the best random pipeline reaches avg8 >= 70 on STS", async () => {
  const r = await cli("bench/eval.ts", [
    "--pipeline",
    "random-stems-idf",
    "--suite",
    "sts",
    "--json",
  ]);
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  assert.equal(report.pipeline, "random-stems-idf");
  assert.equal(report.suite, "sts");
  assert.match(report.hash, /^[0-9a-f]{12}$/);
  assert.deepEqual(Object.keys(report.tasks), [
    "STS12",
    "STS13",
    "STS14",
    "STS15",
    "STS16",
    "STSBenchmark",
    "SICK-R",
    "BIOSSES",
  ]);
  const scores = Object.values(report.tasks) as number[];
  const avg = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  assert.ok(Math.abs(report.avg8 - avg(scores)) < 1e-9);
  assert.ok(Math.abs(report.avg7 - avg(scores.slice(0, 7))) < 1e-9);
  // The transductive bar of issue 8; this recipe measured 71.68 when chosen.
  assert.ok(report.avg8 >= 70.0, `avg8 ${report.avg8}`);
});

Deno.test("eval: the corpus-only default reaches avg8 >= 67.5 from its shipped artifact", async () => {
  const r = await evalSts("random-stems-corpus-sif");
  assert.equal(r.code, 0, r.stderr);
  // Measured 69.05 when chosen; the issue-2 recipe on WordPiece ids still
  // clears its own 69.0 bar transductively.
  assert.ok(JSON.parse(r.stdout).avg8 >= 67.5, r.stdout);
  const ids = await evalSts("random-bert-ids-idf");
  assert.ok(JSON.parse(ids.stdout).avg8 >= 69.0, ids.stdout);
});

Deno.test("eval rejects an unknown suite with a clear error", async () => {
  const r = await cli("bench/eval.ts", ["--suite", "poetry"]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /"poetry" is not a suite/);
});

Deno.test("a transformer pipeline without weights names the missing ONNX file", async () => {
  const r = await cli(
    "src/cli/embed.ts",
    ["--pipeline", "bert-base-last-mean"],
    "A cat.\n",
  );
  assert.equal(r.code, 1);
  assert.match(r.stderr, /error\[MissingModelFiles\]/);
  assert.match(r.stderr, /bert-base-uncased\/onnx\/model\.onnx/);
});
