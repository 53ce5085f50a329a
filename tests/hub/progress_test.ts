import "../temp_cache.ts";
import assert from "node:assert/strict";
import { hubFile } from "../../src/hub/file.ts";
import {
  barReporter,
  formatBytes,
  progressLine,
  type ProgressReporter,
} from "../../src/hub/progress.ts";
import { TINY, withHub } from "./fixture.ts";

Deno.test("progressLine shows bytes, percent, rate and ETA", () => {
  assert.equal(
    progressLine("model.onnx", 1_500_000, 3_000_000, 500_000),
    "model.onnx [############------------]  50%  1.5 MB / 3.0 MB  500.0 kB/s  ETA 3s",
  );
  assert.equal(progressLine("x", 10, undefined, 0), "x  10 B  0 B/s");
  assert.equal(formatBytes(999), "999 B");
  assert.equal(formatBytes(2_500_000_000), "2.5 GB");
});

Deno.test("the bar draws large files only, ending at 100% on a new line", () =>
  withHub(async ({ run }) => {
    const lines: string[] = [];
    const progress = barReporter({
      minBytes: 1_000_000,
      write: (s) => lines.push(s),
      every: 0,
    });
    await run(hubFile(TINY.repo, "config.json"), { progress });
    assert.equal(lines.length, 0);
    await run(hubFile(TINY.repo, "onnx/model.onnx"), { progress });
    assert.ok(lines.length > 1);
    const last = lines.at(-1)!;
    assert.match(
      last,
      /^\ronnx\/model\.onnx \[#+\] 100% {2}3\.0 MB \/ 3\.0 MB .*ETA 0s\n$/,
    );
  }));

Deno.test("a reporter learns where a resumed download starts", () =>
  withHub(async ({ hub, run }) => {
    const starts: Array<[string, number | undefined, number]> = [];
    let bytes = 0;
    const progress: ProgressReporter = {
      start: (name, total, initial) => {
        starts.push([name, total, initial]);
        return { advance: (n) => bytes += n, finish: () => {} };
      },
    };
    hub.switches.cutOnceAt = 1_000_000;
    await run(hubFile(TINY.repo, "onnx/model.onnx"), { progress });
    assert.deepEqual(starts, [
      ["onnx/model.onnx", 3_000_000, 0],
      ["onnx/model.onnx", 3_000_000, 1_000_000],
    ]);
    assert.equal(bytes, 3_000_000);
  }));
