// Streams ROWS × DIM float32 rows from a generator through the .npy writer
// and prints the peak resident memory (VmHWM). Run by
// npy_memory_test.ts: deno run ... _npy_memory_child.ts PATH ROWS DIM
import { npyWriter } from "../../src/io/write_npy.ts";

const [path, rowsArg, dimArg] = Deno.args;
const total = Number(rowsArg);
const dim = Number(dimArg);
const batchRows = 256;

const peakKb = async (): Promise<number> => {
  const status = await Deno.readTextFile("/proc/self/status");
  return Number(status.match(/^VmHWM:\s+(\d+) kB/m)![1]);
};

function* batches() {
  for (let from = 0; from < total; from += batchRows) {
    const rows = Math.min(batchRows, total - from);
    const data = new Float32Array(rows * dim);
    for (let k = 0; k < data.length; k++) data[k] = from * dim + k;
    const records = Array.from({ length: rows }, (_, i) => ({
      id: String(from + i + 1),
      text: "",
      line: from + i + 1,
    }));
    yield { records, rows, data };
  }
}

const writer = await npyWriter(path, {
  provenance: { pipeline: "memory-test", hash: "0" },
});
for (const b of batches()) {
  await writer.write(b.records, { rows: b.rows, dim, data: b.data });
}
const summary = await writer.close();
console.log(JSON.stringify({ peakKb: await peakKb(), count: summary.count }));
