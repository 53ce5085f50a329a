import assert from "node:assert/strict";
import { Effect, Exit } from "effect";
import { loadClassificationTask } from "../../src/eval/classification_data.ts";
import {
  CLASSIFICATION_ROWS,
  CLASSIFICATION_TASKS,
} from "../../src/eval/classification_tasks.ts";
import { testPaths } from "../test_paths.ts";

const load = (...a: Parameters<typeof loadClassificationTask>) =>
  Effect.runPromise(loadClassificationTask(...a));

Deno.test("every classification task loads the MANIFEST's row counts, blank lines dropped", async () => {
  for (const task of CLASSIFICATION_TASKS) {
    const data = await load(testPaths.data, task);
    const rows = Object.fromEntries(
      Object.entries(data.splits).map(([name, s]) => [name, s.labels.length]),
    );
    assert.deepEqual(rows, CLASSIFICATION_ROWS[task], task);
    const splits: Array<
      { labels: Int32Array; texts?: string[]; a?: string[]; b?: string[] }
    > = Object.values(data.splits);
    for (const s of splits) {
      assert.ok(s.labels.every((y) => y >= 0 && y < data.classes.length), task);
      const texts = s.texts ?? [...s.a!, ...s.b!];
      assert.ok(
        texts.every((t) => t.trim() !== ""),
        `${task} has a blank text`,
      );
    }
  }
});

/** A data folder holding only the files given (path under classification/ → content). */
const fixture = async (files: Record<string, string | Uint8Array>) => {
  const dir = await Deno.makeTempDir({ dir: ".cache" });
  for (const [path, content] of Object.entries(files)) {
    const full = `${dir}/classification/${path}`;
    await Deno.mkdir(full.slice(0, full.lastIndexOf("/")), { recursive: true });
    if (typeof content === "string") await Deno.writeTextFile(full, content);
    else await Deno.writeFile(full, content);
  }
  return dir;
};

Deno.test("TREC: ISO-8859-1 text, the coarse class of COARSE:fine", async () => {
  // "é" is the single byte 0xE9 in ISO-8859-1, invalid as UTF-8.
  const latin = Uint8Array.from([
    ...new TextEncoder().encode("HUM:ind Who is Ren"),
    0xe9,
    ...new TextEncoder().encode(" ?\nNUM:date When ?\n"),
  ]);
  const dir = await fixture({
    "senteval/TREC/train_5500.label": latin,
    "senteval/TREC/TREC_10.label": "LOC:city Where is Paris ?\n",
  });
  try {
    const d = await load(dir, "TREC");
    assert.equal(d.kind, "single");
    if (d.kind !== "single") return;
    assert.deepEqual(d.splits.train.texts, ["Who is René ?", "When ?"]);
    assert.deepEqual([...d.splits.train.labels].map((y) => d.classes[y]), [
      "HUM",
      "NUM",
    ]);
    assert.deepEqual([...d.splits.test.labels].map((y) => d.classes[y]), [
      "LOC",
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("Banking77: CSV with quoted commas and line breaks, CRLF endings", async () => {
  const dir = await fixture({
    "mteb/Banking77/categories.json": '["card_arrival", "top_up"]',
    "mteb/Banking77/train.csv":
      'text,category\r\n"Where is my card, please?",card_arrival\r\n"Top\r\nup ""now""",top_up\r\n',
    "mteb/Banking77/test.csv": "text,category\r\nhello,top_up\r\n",
  });
  try {
    const d = await load(dir, "Banking77");
    if (d.kind !== "single") throw new Error("expected single sentences");
    assert.deepEqual(d.splits.train.texts, [
      "Where is my card, please?",
      'Top\r\nup "now"',
    ]);
    assert.deepEqual([...d.splits.train.labels], [0, 1]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("MRPC: pairs after a byte-order-marked header", async () => {
  const dir = await fixture({
    "senteval/MRPC/msr_paraphrase_train.txt":
      "\uFEFFQuality\t#1 ID\t#2 ID\t#1 String\t#2 String\n1\t1\t2\tA cat .\tA feline .\n0\t3\t4\tYes\tNo\n",
    "senteval/MRPC/msr_paraphrase_test.txt":
      "\uFEFFQuality\t#1 ID\t#2 ID\t#1 String\t#2 String\n1\t5\t6\tx\ty\n",
  });
  try {
    const d = await load(dir, "MRPC");
    if (d.kind !== "pairs") throw new Error("expected pairs");
    assert.deepEqual(d.splits.train.a, ["A cat .", "Yes"]);
    assert.deepEqual(d.splits.train.b, ["A feline .", "No"]);
    assert.deepEqual([...d.splits.train.labels], [1, 0]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("an unknown class name is a DataError naming the file and line", async () => {
  const dir = await fixture({
    "mteb/Emotion/train.txt":
      "text;label_name\ni am fine; really;joy\ni am;bored\n",
    "mteb/Emotion/val.txt": "text;label_name\n",
    "mteb/Emotion/test.txt": "text;label_name\n",
  });
  try {
    const exit = await Effect.runPromiseExit(
      loadClassificationTask(dir, "Emotion"),
    );
    assert.ok(Exit.isFailure(exit));
    const msg = String(exit.cause);
    assert.match(msg, /DataError/);
    assert.match(msg, /train\.txt/);
    assert.match(msg, /line 3: label "bored"/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
