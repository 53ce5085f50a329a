import assert from "node:assert/strict";
import { Effect } from "effect";
import { PIPELINES } from "../../pipelines/mod.ts";
import { leftPad } from "../../src/llama2c/batch.ts";
import { hiddenStates } from "../../src/llama2c/hidden_states.ts";
import { loadLlama2c } from "../../src/llama2c/load.ts";
import { loadPipeline } from "../../src/pipeline/load.ts";
import { planOf } from "../../src/pipeline/plan.ts";
import type {
  PipelineSpec,
  StageDeclaration,
} from "../../src/pipeline/spec.ts";
import { placeholderTokens } from "../../src/prompt/placeholder_tokens.ts";
import { testLayer } from "../test_paths.ts";

const byName = (n: string) => PIPELINES.find((p) => p.name === n)!;
const SENTENCES = [
  "A man plays a guitar.",
  "Two dogs are running through a snowy field",
  'She said "hi".',
];

/** The pipeline with its transformer stage changed by `f`. */
const withTransformer = (
  spec: PipelineSpec,
  f: (
    t: Extract<StageDeclaration, { _tag: "transformer" }>,
  ) => StageDeclaration,
): PipelineSpec => ({
  ...spec,
  stages: spec.stages.map((s) => s._tag === "transformer" ? f(s) : s),
});

const embed = (spec: PipelineSpec) =>
  Effect.runPromise(
    Effect.gen(function* () {
      const p = yield* loadPipeline(spec);
      const e = yield* p.fit(SENTENCES);
      return yield* e.embed(SENTENCES);
    }).pipe(Effect.provide(testLayer)),
  );

Deno.test("Token Prepending with an empty range is exactly plain PromptEOL", async () => {
  const plain = await embed(byName("stories260k-prompteol"));
  const empty = await embed(
    withTransformer(byName("stories260k-prompteol-tp"), (t) => ({
      ...t,
      tokenPrepending: { start: 2, exit: 2 },
    })),
  );
  assert.deepEqual(empty.data, plain.data);
  const tp = await embed(byName("stories260k-prompteol-tp"));
  assert.notDeepEqual(tp.data, plain.data);
});

Deno.test("PromptEOL+TP on stories260K equals the llama2.c reference, row by row of a padded batch", async () => {
  // State L−1 (before the final norm, where the reference stops).
  const spec = withTransformer(
    byName("stories260k-prompteol-tp"),
    (t) => ({ ...t, layers: { _tag: "layers", indices: [-2] } }),
  );
  const got = await embed(spec);
  const model = await Effect.runPromise(
    loadLlama2c("stories260K", {
      checkpoint: "stories260K.bin",
      tokenizer: "tok512.bin",
    }).pipe(Effect.provide(testLayer)),
  );
  const rows = SENTENCES.map((s) =>
    placeholderTokens(model.tokenizer, planOf(spec).prompt!, s, 0)
  );
  // Rows of different lengths, left-padded as the pipeline pads them.
  const batch = leftPad(rows.map((r) => r.ids), 0);
  const seq = batch.seq;
  const positions = Int32Array.from(
    rows,
    (r) => seq - r.ids.length + r.placeholder!,
  );
  const h = hiddenStates(model.weights, batch, {
    positions,
    start: 1,
    exit: 3,
  });
  const [count, , , dim] = h.shape;
  const state = count - 2;
  rows.forEach((_, r) => {
    const at = ((state * rows.length + r) * seq + seq - 1) * dim;
    const want = h.data.subarray(at, at + dim);
    const v = got.data.subarray(r * dim, (r + 1) * dim);
    for (let j = 0; j < dim; j++) {
      assert.ok(
        Math.abs(v[j] - want[j]) < 1e-4,
        `row ${r}, ${j}: ${v[j]} vs ${want[j]}`,
      );
    }
  });
});
