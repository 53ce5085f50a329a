// Writes far more JSONL than `head` reads, through the stdout sink, and ends
// quietly when its reader goes away. Run by sink_test.ts.
import { stdoutSink, stopQuietlyWhenOutputCloses } from "../../src/io/sink.ts";
import { jsonlWriter } from "../../src/io/write_jsonl.ts";

const dim = 32;
const rows = 256;
const data = Float32Array.from(
  { length: rows * dim },
  (_, i) => Math.fround(i / 7),
);
const done = await stopQuietlyWhenOutputCloses(async () => {
  const writer = jsonlWriter(stdoutSink());
  for (let b = 0; b < 2000; b++) {
    const records = Array.from({ length: rows }, (_, i) => ({
      id: String(b * rows + i + 1),
      text: "",
      line: b * rows + i + 1,
    }));
    await writer.write(records, { rows, dim, data });
  }
  return writer.close();
});
// Status 0 either way; say on stderr only if the reader never went away.
if (done !== undefined) console.error("wrote everything");
