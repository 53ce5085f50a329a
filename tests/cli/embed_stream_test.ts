import "../temp_cache.ts";
import assert from "node:assert/strict";
import { Effect } from "effect";
import { runMeasured } from "../../bench/peak_rss.ts";
import { embedWith, row, ServicesFromEnv } from "../../mod.ts";

/**
 * `deno task embed` as a subprocess on 200,000 generated lines: every row
 * written with its id, peak memory bounded, rows equal to the library's.
 */

const root = new URL("../../", import.meta.url).pathname;
const PERMS = [
  "--allow-read",
  "--allow-env",
  "--allow-write",
  "--allow-sys",
  "--allow-ffi",
];
const LINES = 200_000;
const DIMS = 32;
const LIMIT_MB = 600;
const WORDS = [
  "the",
  "cat",
  "sat",
  "on",
  "a",
  "mat",
  "dogs",
  "run",
  "fast",
  "in",
  "park",
  "river",
  "blue",
  "green",
];

/** Line i (1-based) of the input: blank every 1,000th, a unique number in each. */
const lineOf = (i: number): string => {
  if (i % 1000 === 0) return "";
  const n = 5 + i % 11;
  const words = Array.from(
    { length: n },
    (_, j) => WORDS[(i * 7 + j * 13 + (i >> 3)) % WORDS.length],
  );
  return `${words.join(" ")} ${i}.`;
};

const writeInput = async (path: string) => {
  const parts: string[] = [];
  for (let i = 1; i <= LINES; i++) parts.push(lineOf(i));
  await Deno.writeTextFile(path, parts.join("\n") + "\n");
};

/** Runs embed and measures the child's peak RSS (bench/peak_rss.ts). */
const embedPolled = (args: string[]) =>
  runMeasured(
    [Deno.execPath(), "run", ...PERMS, "src/cli/embed.ts", ...args],
    root,
  );

/** The library's vectors for `texts`, cut to `DIMS` as `--dimensions` does. */
const libraryRows = async (texts: string[]) => {
  const x = await Effect.runPromise(
    Effect.provide(
      embedWith("random-stems-corpus-sif", texts),
      ServicesFromEnv,
    ),
  );
  return texts.map((_, i) => {
    const r = row(x, i);
    const norm = Math.hypot(...r);
    const cut = r.slice(0, DIMS);
    // The default pipeline ends in unit-length rows: the cut is renormalised.
    const unit = Math.abs(norm - 1) < 1e-4;
    const n = unit ? Math.hypot(...cut) : 1;
    return Array.from(cut, (v) => v / n);
  });
};

const SAMPLE = [1, 2, 999, 1001, 123_457, 199_999];

const assertClose = (got: ArrayLike<number>, want: number[], what: string) => {
  assert.equal(got.length, want.length, what);
  for (let j = 0; j < want.length; j++) {
    assert.ok(
      Math.abs(got[j] - want[j]) < 1e-5,
      `${what}[${j}]: ${got[j]} vs ${want[j]}`,
    );
  }
};

const linux = Deno.build.os === "linux";

Deno.test({
  name: "embed streams 200,000 lines to .npy in bounded memory, ids kept",
  ignore: !linux,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "sentemb-embed-" });
    try {
      await writeInput(`${dir}/in.txt`);
      const out = `${dir}/out.npy`;
      const r = await embedPolled([
        "--input",
        `${dir}/in.txt`,
        "--output",
        out,
        "--dimensions",
        String(DIMS),
        "--ids",
      ]);
      assert.equal(r.code, 0, r.stderr);
      console.log(`npy: peak RSS ${r.peakMb.toFixed(0)} MiB`);
      assert.ok(r.peakMb > 0 && r.peakMb < LIMIT_MB, `${r.peakMb} MiB`);
      const kept = LINES - LINES / 1000;
      const sidecar = JSON.parse(await Deno.readTextFile(`${out}.json`));
      assert.equal(sidecar.count, kept);
      assert.equal(sidecar.dims, DIMS);
      assert.equal(sidecar.dtype, "float32");
      assert.equal(sidecar.pipeline, "random-stems-corpus-sif");
      const bytes = await Deno.readFile(out);
      assert.equal(bytes.length, 128 + kept * DIMS * 4);
      assert.match(
        new TextDecoder().decode(bytes.subarray(0, 128)),
        new RegExp(`'shape': \\(${kept}, ${DIMS}\\)`),
      );
      const ids = (await Deno.readTextFile(`${out}.ids.txt`)).trimEnd()
        .split("\n");
      assert.equal(ids.length, kept);
      const expectedIds = Array.from({ length: LINES }, (_, i) => i + 1)
        .filter((i) => i % 1000 !== 0).map(String);
      assert.deepEqual(ids, expectedIds);
      const rows = new Float32Array(bytes.buffer, 128);
      const want = await libraryRows(SAMPLE.map(lineOf));
      SAMPLE.forEach((line, k) => {
        const at = ids.indexOf(String(line));
        assertClose(
          rows.subarray(at * DIMS, (at + 1) * DIMS),
          want[k],
          `line ${line}`,
        );
      });
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "embed streams 200,000 lines to JSONL in bounded memory, ids kept",
  ignore: !linux,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "sentemb-embed-" });
    try {
      await writeInput(`${dir}/in.txt`);
      const out = `${dir}/out.jsonl`;
      const r = await embedPolled([
        "--input",
        `${dir}/in.txt`,
        "--output",
        out,
        "--dimensions",
        String(DIMS),
      ]);
      assert.equal(r.code, 0, r.stderr);
      console.log(`jsonl: peak RSS ${r.peakMb.toFixed(0)} MiB`);
      assert.ok(r.peakMb > 0 && r.peakMb < LIMIT_MB, `${r.peakMb} MiB`);
      const lines = (await Deno.readTextFile(out)).trimEnd().split("\n");
      assert.equal(lines.length, LINES - LINES / 1000);
      const byId = new Map<string, { embedding: number[]; text?: string }>();
      let previous = 0;
      for (const l of lines) {
        const o = JSON.parse(l);
        assert.ok(Number(o.id) > previous, "ids in input order");
        previous = Number(o.id);
        if (SAMPLE.includes(previous)) byId.set(o.id, o);
      }
      assert.equal(previous, LINES - 1);
      const want = await libraryRows(SAMPLE.map(lineOf));
      SAMPLE.forEach((line, k) => {
        const o = byId.get(String(line))!;
        assert.equal(o.text, undefined, "--output without --text: no text");
        assertClose(o.embedding, want[k], `line ${line}`);
      });
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
