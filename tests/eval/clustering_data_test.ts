import assert from "node:assert/strict";
import { Effect } from "effect";
import { loadClusteringTask } from "../../src/eval/clustering_data.ts";
import {
  CLUSTERING_EXTRAS,
  CLUSTERING_SIZES,
  CLUSTERING_TASKS,
} from "../../src/eval/clustering_tasks.ts";
import { testPaths } from "../test_paths.ts";

Deno.test("every clustering set loads the MANIFEST's rows and class count", async () => {
  for (const task of [...CLUSTERING_TASKS, ...CLUSTERING_EXTRAS]) {
    const set = await Effect.runPromise(
      loadClusteringTask(testPaths.data, task),
    );
    assert.equal(set.texts.length, CLUSTERING_SIZES[task].rows, task);
    assert.equal(set.classes, CLUSTERING_SIZES[task].classes, task);
    assert.ok(set.labels.every((y) => y >= 0 && y < set.classes));
    // BOM and CR are format, not text.
    assert.ok(
      set.texts.every((t) =>
        t !== "" && !t.includes("\r") && !t.startsWith("\uFEFF")
      ),
      task,
    );
  }
});

Deno.test("parallel text and label files that disagree in length are a DataError", async () => {
  const dir = await Deno.makeTempDir({ dir: ".cache" });
  try {
    const base = `${dir}/clustering/classic/Biomedical`;
    await Deno.mkdir(base, { recursive: true });
    await Deno.writeTextFile(`${base}/Biomedical.txt`, "a\nb\n");
    await Deno.writeTextFile(`${base}/Biomedical_gnd.txt`, "1\n");
    const exit = await Effect.runPromiseExit(
      loadClusteringTask(dir, "Biomedical"),
    );
    assert.match(String(exit), /1 labels for 2 texts/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
