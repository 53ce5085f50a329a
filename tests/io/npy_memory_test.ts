import "../temp_cache.ts";
import assert from "node:assert/strict";
import { projectRoot, tempDir } from "./_helpers.ts";

const DIM = 64;

/** Runs the child writer for `rows` rows; its peak RSS in MiB and the file. */
const run = async (dir: string, rows: number) => {
  const path = `${dir}/big-${rows}.npy`;
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      // Deno grants /proc/self only with every permission.
      "--allow-all",
      "tests/io/_npy_memory_child.ts",
      path,
      String(rows),
      String(DIM),
    ],
    cwd: projectRoot,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  const { peakKb, count } = JSON.parse(new TextDecoder().decode(out.stdout));
  assert.equal(count, rows);
  return { path, peakMb: peakKb / 1024 };
};

Deno.test({
  name: "npyWriter streams 200,000 rows of dim 64 in bounded memory",
  ignore: Deno.build.os !== "linux", // reads /proc/self/status
  fn: async () => {
    await using tmp = await tempDir();
    const rows = 200_000;
    const small = await run(tmp.dir, rows);
    assert.ok(small.peakMb < 300, `peak RSS ${small.peakMb.toFixed(0)} MiB`);
    const stat = await Deno.stat(small.path);
    assert.equal(stat.size, 128 + rows * DIM * 4);
    // The last row made it, at its place.
    const file = await Deno.open(small.path);
    await file.seek(128 + (rows - 1) * DIM * 4, Deno.SeekMode.Start);
    const last = new Uint8Array(DIM * 4);
    await file.read(last);
    file.close();
    assert.equal(new Float32Array(last.buffer)[0], (rows - 1) * DIM);
    await Deno.remove(small.path);

    // Four times the rows (146 MiB more written) leave the peak about where
    // it was (holding them would add 146 MiB; GC timing adds some noise).
    const big = await run(tmp.dir, 4 * rows);
    const extraMb = (3 * rows * DIM * 4) / 2 ** 20;
    console.log(
      `peak RSS ${small.peakMb.toFixed(0)} MiB for ${rows} rows, ` +
        `${big.peakMb.toFixed(0)} MiB for ${4 * rows}`,
    );
    assert.ok(
      big.peakMb - small.peakMb < extraMb / 2,
      `peak grew ${(big.peakMb - small.peakMb).toFixed(0)} MiB`,
    );
  },
});
