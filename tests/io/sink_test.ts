import "../temp_cache.ts";
import assert from "node:assert/strict";
import { OutputClosed } from "../../src/io/errors.ts";
import {
  isOutputClosed,
  stopQuietlyWhenOutputCloses,
  writerSink,
} from "../../src/io/sink.ts";
import { projectRoot } from "./_helpers.ts";

Deno.test("writerSink continues partial writes", async () => {
  const got: number[] = [];
  const sink = writerSink({
    write: (p) => {
      const n = Math.min(3, p.length);
      got.push(...p.subarray(0, n));
      return Promise.resolve(n);
    },
  }, "test");
  await sink.write(Uint8Array.from({ length: 10 }, (_, i) => i));
  assert.deepEqual(got, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
});

Deno.test("writerSink turns a broken pipe into OutputClosed; other errors pass", async () => {
  const failing = (e: Error) =>
    writerSink({ write: () => Promise.reject(e) }, "stdout");
  await assert.rejects(
    failing(new Deno.errors.BrokenPipe("gone")).write(new Uint8Array(1)),
    (e: unknown) => e instanceof OutputClosed && e.target === "stdout",
  );
  await assert.rejects(
    failing(new Deno.errors.PermissionDenied("no")).write(new Uint8Array(1)),
    Deno.errors.PermissionDenied,
  );
  assert.ok(isOutputClosed(new Deno.errors.BrokenPipe("x")));
  assert.ok(!isOutputClosed(new Error("x")));
});

Deno.test("stopQuietlyWhenOutputCloses swallows only a closed output", async () => {
  assert.equal(await stopQuietlyWhenOutputCloses(() => 5), 5);
  assert.equal(
    await stopQuietlyWhenOutputCloses(() => {
      throw new Deno.errors.BrokenPipe("x");
    }),
    undefined,
  );
  await assert.rejects(
    stopQuietlyWhenOutputCloses(() => Promise.reject(new TypeError("bug"))),
    TypeError,
  );
});

Deno.test("a writer piped into `head -n 1` ends quietly with status 0", async () => {
  const script = "tests/io/_broken_pipe_child.ts";
  const out = await new Deno.Command("bash", {
    args: [
      "-c",
      `set -o pipefail; "${Deno.execPath()}" run --quiet --allow-read ${script} | head -n 1`,
    ],
    cwd: projectRoot,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 0, `pipeline status ${out.code}: ${stderr}`);
  assert.equal(stderr, "", "nothing on stderr");
  const first = JSON.parse(new TextDecoder().decode(out.stdout));
  assert.equal(first.id, "1");
});
