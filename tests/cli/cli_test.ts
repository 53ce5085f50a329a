import "../temp_cache.ts";
import assert from "node:assert/strict";

const root = new URL("../../", import.meta.url).pathname;
const PERMS = [
  "--allow-read",
  "--allow-env",
  "--allow-write=.cache,/tmp",
  "--allow-sys",
  "--allow-ffi",
];

const cli = async (
  script: string,
  args: string[],
  stdin: string | Uint8Array = "",
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
  await writer.write(
    typeof stdin === "string" ? new TextEncoder().encode(stdin) : stdin,
  );
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
  // The id is the input line: the blank line is skipped, its number kept.
  assert.deepEqual(lines.map((l) => l.id), ["1", "3"]);
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
  for (const threads of ["0", "1.5", "two"]) {
    const r = await cli("src/cli/embed.ts", [], "x\n", {
      SENTEMB_THREADS: threads,
    });
    assert.equal(r.code, 1, threads);
    assert.match(
      r.stderr,
      new RegExp(`error\\[BadConfig\\]: .*SENTEMB_THREADS.*"${threads}"`),
    );
    assert.equal(r.stdout, "");
  }
  const one = await cli("src/cli/embed.ts", [], "x\n", {
    SENTEMB_THREADS: "1",
  });
  assert.equal(one.code, 0, one.stderr);
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

const EMBED = "src/cli/embed.ts";
const jsonLines = (out: string) =>
  out.trim().split("\n").filter((l) => l !== "").map((l) => JSON.parse(l));
const bytes = (...parts: Array<string | number[]>) => {
  const chunks = parts.map((p) =>
    typeof p === "string" ? new TextEncoder().encode(p) : Uint8Array.from(p)
  );
  const all = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) all.set(c, (at += c.length) - c.length);
  return all;
};

Deno.test("embed: a line that is not UTF-8 fails with its line, or is skipped with --skip-invalid", async () => {
  const input = bytes("A cat.\n", [0x61, 0xff, 0xfe, 0x0a], "A dog.\n");
  const failed = await cli(EMBED, [], input);
  assert.equal(failed.code, 1);
  assert.match(
    failed.stderr,
    /error\[InvalidUtf8\]: stdin: line 2 is not valid UTF-8/,
  );
  const skipped = await cli(EMBED, ["--skip-invalid"], input);
  assert.equal(skipped.code, 0, skipped.stderr);
  assert.deepEqual(jsonLines(skipped.stdout).map((l) => l.id), ["1", "3"]);
  assert.match(skipped.stderr, /1 invalid UTF-8/);
});

Deno.test("embed refuses a binary file", async () => {
  const path = await Deno.makeTempFile({ suffix: ".txt" });
  try {
    await Deno.writeFile(path, bytes("A cat.\n", [0x00, 0x01, 0x02, 0x0a]));
    const r = await cli(EMBED, ["--input", path]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /error\[BinaryInput\]: .* looks binary/);
    assert.equal(r.stdout, "");
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("embed: an over-long line fails, is skipped or truncated as --over-length says", async () => {
  const input = "A cat.\nA dog ran across the road.\nA bird.\n";
  const cap = ["--max-chars", "10"];
  const failed = await cli(EMBED, cap, input);
  assert.equal(failed.code, 1);
  assert.match(
    failed.stderr,
    /error\[RecordTooLong\]: stdin: the record on line 2 has 26 characters, more than the cap of 10/,
  );
  const failedToo = await cli(EMBED, [...cap, "--over-length", "fail"], input);
  assert.equal(failedToo.code, 1);
  assert.match(failedToo.stderr, /RecordTooLong/);
  const skipped = await cli(EMBED, [...cap, "--over-length", "skip"], input);
  assert.equal(skipped.code, 0, skipped.stderr);
  assert.deepEqual(jsonLines(skipped.stdout).map((l) => l.id), ["1", "3"]);
  assert.match(skipped.stderr, /1 over-long skipped/);
  const cut = await cli(EMBED, [...cap, "--over-length", "truncate"], input);
  assert.equal(cut.code, 0, cut.stderr);
  const rows = jsonLines(cut.stdout);
  assert.deepEqual(rows.map((l) => l.id), ["1", "2", "3"]);
  assert.equal(rows[1].text, "A dog ran ");
  assert.match(cut.stderr, /1 over-long truncated/);
  const bad = await cli(EMBED, ["--over-length", "wrap"], input);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--over-length must be one of truncate, skip, fail/);
});

Deno.test("embed | head: a closed stdout ends quietly with status 0", async () => {
  const child = new Deno.Command("deno", {
    args: ["run", ...PERMS, EMBED],
    cwd: root,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const feed = (async () => {
    const w = child.stdin.getWriter();
    const block = new TextEncoder().encode(
      "A cat sat on the mat.\n".repeat(500),
    );
    try {
      for (let i = 0; i < 200; i++) await w.write(block);
      await w.close();
    } catch {
      // The child may stop reading once its output is gone.
    }
  })();
  const reader = child.stdout.getReader();
  const first = await reader.read();
  assert.ok(first.value && first.value.length > 0);
  await reader.cancel();
  const [status, stderr] = await Promise.all([
    child.status,
    new Response(child.stderr).text(),
  ]);
  await feed;
  assert.equal(status.code, 0, stderr);
  assert.equal(stderr, "");
});

Deno.test("embed: a transductive pipeline refuses stdin and fits on a file in a first pass", async () => {
  const r = await cli(EMBED, ["--pipeline", "random-stems-idf"], "A cat.\n");
  assert.equal(r.code, 1);
  assert.match(r.stderr, /error\[BadConfig\]/);
  assert.match(r.stderr, /--input FILE/);
  assert.match(r.stderr, /deno task fit --pipeline random-stems-idf/);
  const path = await Deno.makeTempFile({ suffix: ".txt" });
  try {
    await Deno.writeTextFile(path, "A cat sat.\n\nA dog ran.\nA cat ran.\n");
    const ok = await cli(EMBED, [
      "--pipeline",
      "random-stems-idf",
      "--input",
      path,
    ]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.deepEqual(jsonLines(ok.stdout).map((l) => l.id), ["1", "3", "4"]);
    // A sample as large as the file is the whole file: the same vectors,
    // and nothing said. A smaller one says so, and fits other statistics.
    const whole = await cli(EMBED, [
      "--pipeline",
      "random-stems-idf",
      "--input",
      path,
      "--fit-sample",
      "3",
    ]);
    assert.equal(whole.code, 0, whole.stderr);
    assert.equal(whole.stderr, "");
    assert.equal(whole.stdout, ok.stdout);
    const sampled = await cli(EMBED, [
      "--pipeline",
      "random-stems-idf",
      "--input",
      path,
      "--fit-sample",
      "2",
    ]);
    assert.equal(sampled.code, 0, sampled.stderr);
    assert.match(sampled.stderr, /uniform sample of 2 of 3 sentences/);
    assert.notEqual(sampled.stdout, ok.stdout);
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("embed: npy of a quantized pipeline holds integers (|i1, |u1)", async () => {
  const { meanPool, pipeline, quantize, randomVectors, wordTokens } =
    await import("../../mod.ts");
  const dir = await Deno.makeTempDir();
  try {
    for (const [precision, descr] of [["binary", "|i1"], ["ubinary", "|u1"]]) {
      const spec = pipeline(
        `test-${precision}`,
        wordTokens(),
        randomVectors(64, 1),
        meanPool(),
        quantize(precision as "binary" | "ubinary"),
      );
      await Deno.writeTextFile(`${dir}/p.json`, JSON.stringify(spec));
      const out = `${dir}/${precision}.npy`;
      const r = await cli(EMBED, [
        "--pipeline",
        `${dir}/p.json`,
        "--output",
        out,
      ], "A cat.\nA dog.\n");
      assert.equal(r.code, 0, r.stderr);
      const file = await Deno.readFile(out);
      const header = new TextDecoder().decode(file.subarray(0, 128));
      assert.match(header, new RegExp(`'descr': '\\${descr}'`));
      assert.match(header, /'shape': \(2, 8\)/);
      assert.equal(file.length, 128 + 2 * 8);
      const json = await cli(
        EMBED,
        ["--pipeline", `${dir}/p.json`],
        "A cat.\n",
      );
      const row = jsonLines(json.stdout)[0].embedding as number[];
      assert.ok(row.every(Number.isInteger));
      assert.deepEqual(
        Array.from(
          precision === "binary"
            ? new Int8Array(file.buffer, 128, 8)
            : new Uint8Array(file.buffer, 128, 8),
        ),
        row,
      );
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("embed checks its output before any work", async () => {
  const binary = await cli(EMBED, ["--format", "npy"], "A cat.\n");
  assert.equal(binary.code, 1);
  assert.match(binary.stderr, /--format npy.*give --output PATH/);
  const nowhere = await cli(EMBED, ["--output", "/nonexistent/x.npy"], "A.\n");
  assert.equal(nowhere.code, 1);
  assert.match(
    nowhere.stderr,
    /error\[DataError\]: .*x\.npy: cannot be written/,
  );
});

Deno.test("eval --file: pairs, classify and cluster on your own TSV; --out checked first", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const pairs = `${dir}/pairs.tsv`;
    await Deno.writeTextFile(
      pairs,
      "a\tb\tgold\nA cat sat.\tA cat sat.\t5\nA cat sat.\tThe market fell.\t0\n" +
        "A dog ran.\tA dog ran fast.\t4\n",
    );
    const p = await cli("bench/eval.ts", [
      "--suite",
      "pairs",
      "--file",
      pairs,
      "--columns",
      "a,b,gold",
      "--json",
    ]);
    assert.equal(p.code, 0, p.stderr);
    const pj = JSON.parse(p.stdout);
    assert.equal(pj.rows, 3);
    // Identical texts have the highest cosine, unrelated ones the lowest.
    assert.equal(pj.spearman, 100);
    const labelled = `${dir}/labels.tsv`;
    let rows = "text\tlabel\n";
    for (let i = 0; i < 10; i++) {
      rows +=
        `cat cat kitten ${i}\tanimal\nstock market shares ${i}\tfinance\n`;
    }
    await Deno.writeTextFile(labelled, rows);
    const c = await cli("bench/eval.ts", [
      "--suite",
      "classify",
      "--file",
      labelled,
      "--folds",
      "5",
      "--json",
    ]);
    assert.equal(c.code, 0, c.stderr);
    assert.equal(JSON.parse(c.stdout).accuracy, 100);
    const k = await cli("bench/eval.ts", [
      "--suite",
      "cluster",
      "--file",
      labelled,
      "--out",
      `${dir}/report`,
    ]);
    assert.equal(k.code, 0, k.stderr);
    assert.match(k.stdout, /\| acc \| 100 \|/);
    const saved = JSON.parse(
      await Deno.readTextFile(`${dir}/report/results.json`),
    );
    assert.deepEqual([saved.acc, saved.nmi, saved.k], [100, 100, 2]);
    // An unwritable --out fails before the (missing) file is even read.
    const out = await cli("bench/eval.ts", [
      "--suite",
      "pairs",
      "--file",
      `${dir}/missing.tsv`,
      "--out",
      "/nonexistent/dir",
    ]);
    assert.equal(out.code, 1);
    assert.match(
      out.stderr,
      /error\[BadConfig\]: .*--out: cannot write to \/nonexistent\/dir/,
    );
    const suite = await cli("bench/eval.ts", [
      "--suite",
      "sts",
      "--file",
      pairs,
    ]);
    assert.equal(suite.code, 1);
    assert.match(
      suite.stderr,
      /"sts" is not a suite for --file; available: pairs, classify, cluster/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("embed: JSONL and CSV input with id and text fields, to f32 and parquet", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(
      `${dir}/in.jsonl`,
      '{"doc": "a7", "body": "A cat sat."}\n{"doc": "b2", "body": "A dog ran."}\n',
    );
    const f32 = await cli(EMBED, [
      "--input",
      `${dir}/in.jsonl`,
      "--id-field",
      "doc",
      "--text-field",
      "body",
      "--output",
      `${dir}/out.f32`,
      "--ids",
      "--normalize",
      "--dimensions",
      "16",
    ]);
    assert.equal(f32.code, 0, f32.stderr);
    const rows = new Float32Array(
      (await Deno.readFile(`${dir}/out.f32`)).buffer,
    );
    assert.equal(rows.length, 2 * 16);
    assert.ok(Math.abs(Math.hypot(...rows.subarray(0, 16)) - 1) < 1e-5);
    assert.equal(await Deno.readTextFile(`${dir}/out.f32.ids.txt`), "a7\nb2\n");
    const sidecar = JSON.parse(await Deno.readTextFile(`${dir}/out.f32.json`));
    assert.deepEqual([sidecar.format, sidecar.dims, sidecar.count], [
      "f32",
      16,
      2,
    ]);

    await Deno.writeTextFile(
      `${dir}/in.csv`,
      "id,text\nx1,A cat sat.\nx2,A dog ran.\n",
    );
    const pq = await cli(EMBED, [
      "--input",
      `${dir}/in.csv`,
      "--id-field",
      "id",
      "--output",
      `${dir}/out.parquet`,
      "--text",
    ]);
    assert.equal(pq.code, 0, pq.stderr);
    const file = await Deno.readFile(`${dir}/out.parquet`);
    assert.equal(new TextDecoder().decode(file.subarray(0, 4)), "PAR1");
    assert.equal(
      new TextDecoder().decode(file.subarray(file.length - 4)),
      "PAR1",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
