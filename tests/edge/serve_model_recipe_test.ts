import "../temp_cache.ts";
import assert from "node:assert/strict";
import { startServe } from "./serve_child.ts";
import { runTask } from "../run_task.ts";
import { HF_EXPORTS } from "../models/hf_export_fixture.ts";

const SENTENCES = ["A man plays a guitar.", "The market fell on Tuesday."];

const unit = (v: ReadonlyArray<number>) => {
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
};

/**
 * `deno task serve --model REF --recipe NAME` serves the recipe under the id
 * it prints, and its answers are `deno task embed --model REF --recipe NAME`'s
 * vectors (unit length, as the server serves them).
 */
Deno.test({
  name:
    "deno task serve --model --recipe answers as deno task embed --model --recipe embeds",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const model = `${HF_EXPORTS}/bert`;
    const out = await runTask(
      "embed",
      ["--model", model, "--recipe", "mean"],
      SENTENCES.join("\n") + "\n",
    );
    assert.equal(out.code, 0, out.stderr);
    const expected = out.stdout.trim().split("\n")
      .map((l) => JSON.parse(l).embedding as number[]);
    assert.equal(expected.length, SENTENCES.length);

    const { port, log, stop } = await startServe([
      "--port=0",
      "--workers=1",
      "--only",
      "--model",
      model,
      "--recipe",
      "mean",
    ]);
    try {
      const id = log.match(/as "([^"]+)"/)?.[1];
      assert.equal(id, "bert-mean");
      const models = await (await fetch(`http://127.0.0.1:${port}/v1/models`))
        .json();
      assert.deepEqual(models.data.map((m: { id: string }) => m.id), [id]);
      const res = await fetch(`http://127.0.0.1:${port}/v1/embeddings`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: id, input: SENTENCES }),
      });
      const body = await res.text();
      assert.equal(res.status, 200, body);
      const served = JSON.parse(body).data.map((d: { embedding: number[] }) =>
        d.embedding
      );
      for (const [i, v] of served.entries()) {
        const want = unit(expected[i]);
        assert.equal(v.length, want.length);
        const worst = Math.max(
          ...v.map((x: number, k: number) => Math.abs(x - want[k])),
        );
        assert.ok(worst < 1e-5, `sentence ${i}: off by ${worst}`);
      }
    } finally {
      await stop();
    }
  },
});
