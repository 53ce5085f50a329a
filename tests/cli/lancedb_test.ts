import "../temp_cache.ts";
import assert from "node:assert/strict";
import { openLanceTable } from "../../src/io/write_lancedb.ts";

const root = new URL("../../", import.meta.url).pathname;
const PERMS = [
  "--allow-read",
  "--allow-env",
  "--allow-write=.cache,/tmp",
  "--allow-sys",
  "--allow-ffi",
];

const run = async (script: string, args: string[]) => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...PERMS, script, ...args],
    cwd: root,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  return {
    code: out.code,
    stdout: new TextDecoder().decode(out.stdout),
    stderr: new TextDecoder().decode(out.stderr),
  };
};

Deno.test("embed --to lancedb upserts by id (no duplicates on a re-run), search finds the planted neighbour", async () => {
  const dir = await Deno.makeTempDir({ prefix: "sentemb-lance-" });
  try {
    const input = `${dir}/docs.txt`;
    const filler = [
      "The stock market fell sharply on Monday.",
      "A chef is slicing onions in the kitchen.",
      "Heavy rain flooded the valley overnight.",
      "The orchestra played a symphony by Mahler.",
    ];
    // The planted neighbour is line 3.
    await Deno.writeTextFile(
      input,
      [
        filler[0],
        filler[1],
        "A small cat sleeps on the warm mat.",
        "",
        ...filler.slice(2),
      ]
        .join("\n") + "\n",
    );
    const to = `lancedb://${dir}/db/docs`;
    const first = await run("src/cli/embed.ts", [
      "--input",
      input,
      "--to",
      to,
      "--text",
    ]);
    assert.equal(first.code, 0, first.stderr);
    const again = await run("src/cli/embed.ts", [
      "--input",
      input,
      "--to",
      to,
      "--text",
    ]);
    assert.equal(again.code, 0, again.stderr);
    const table = (await openLanceTable({ db: `${dir}/db`, table: "docs" }))!;
    assert.equal(await table.countRows(), 5);
    const rows = await table.query().select(["id", "text", "hash", "pipeline"])
      .toArray();
    assert.deepEqual(rows.map((r) => r.id).sort(), ["1", "2", "3", "5", "6"]);
    assert.ok(rows.every((r) => r.hash === "3d0d4915a1b6"));
    assert.ok(rows.every((r) => r.pipeline === "random-stems-corpus-sif"));
    table.close();

    const found = await run("src/cli/search.ts", [
      "--db",
      to,
      "--limit",
      "2",
      "a cat sleeping on a mat",
    ]);
    assert.equal(found.code, 0, found.stderr);
    const hits = found.stdout.trim().split("\n").map((l) => JSON.parse(l));
    assert.equal(hits.length, 2);
    assert.equal(hits[0].id, "3");
    assert.equal(hits[0].text, "A small cat sleeps on the warm mat.");
    assert.ok(hits[0].distance < hits[1].distance);

    const other = await run("src/cli/search.ts", [
      "--db",
      to,
      "--pipeline",
      "random-stems-corpus-idf",
      "a cat",
    ]);
    assert.equal(other.code, 1);
    assert.match(other.stderr, /written by pipeline version 3d0d4915a1b6/);
    const missing = await run("src/cli/search.ts", [
      "--db",
      `${dir}/db/none`,
      "x",
    ]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no table "none"/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("lanceWriter as sole writer of a new table: appends new ids, upserts repeated ones, the last row of an id wins", async () => {
  const { lanceWriter } = await import("../../src/io/write_lancedb.ts");
  const dir = await Deno.makeTempDir({ prefix: "sentemb-lance-sole-" });
  try {
    const target = { db: `${dir}/db`, table: "t" };
    const provenance = { pipeline: "p", hash: "h" };
    const rows = (ids: string[], values: number[]) => ({
      records: ids.map((id, line) => ({ id, line, text: `text ${id}` })),
      embeddings: { rows: ids.length, dim: 2, data: new Float32Array(values) },
    });
    // a and b; then c (appended) and a again (upserted: 5, 5); then d twice
    // within one batch (the second, 8, wins); then e, new, appended.
    const batches = [
      rows(["a", "b"], [1, 1, 2, 2]),
      rows(["c", "a"], [3, 3, 5, 5]),
      rows(["d", "d"], [7, 7, 8, 8]),
      rows(["e"], [9, 9]),
    ];
    for (const sole of [true, false]) {
      const t = { ...target, table: sole ? "sole" : "shared" };
      const w = await lanceWriter(t, { provenance, soleWriter: sole });
      for (const b of batches) await w.write(b.records, b.embeddings);
      await w.close();
      const table = (await openLanceTable(t))!;
      const got = (await table.query().select(["id", "vector"]).toArray())
        .map((r) => [String(r.id), Array.from(r.vector as Iterable<number>)])
        .sort((x, y) => String(x[0]).localeCompare(String(y[0])));
      table.close();
      assert.deepEqual(got, [
        ["a", [5, 5]],
        ["b", [2, 2]],
        ["c", [3, 3]],
        ["d", [8, 8]],
        ["e", [9, 9]],
      ], `soleWriter ${sole}`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
