import "../temp_cache.ts";
import assert from "node:assert/strict";
import { padBatch, type PaddedBatch } from "../../src/tokenize/pad_batch.ts";
import { fixtureWeights } from "../../src/onnx/fixture/build.ts";
import {
  gpt2Forward,
  llamaForward,
  type RowOverwrite,
} from "../reference/mod.ts";
import type {
  Gpt2Weights,
  LlamaWeights,
} from "../../src/onnx/fixture/weights.ts";
import { maxAbsDiff, SEED, tinyFixture } from "../onnx/_cases.ts";
import {
  BACKENDS,
  maxRealDiff,
  oneHot,
  opts,
  statesOn,
  tpPath,
} from "./_tp.ts";

const DECODERS = [
  { label: "gpt2", arch: "gpt2", norm: "op" },
  { label: "llama decomposed RMSNorm", arch: "llama", norm: "decomposed" },
  { label: "llama fused skip norms", arch: "llama", norm: "op" },
] as const;

// Three left-padded rows of different lengths; the placeholder sits at a
// different padded index in each (never on the last token).
const rows = [
  Uint32Array.of(2, 17, 33, 8, 91, 3, 44),
  Uint32Array.of(2, 45, 3, 60),
  Uint32Array.of(2, 9, 71, 5, 12, 30),
];
const positions = Int32Array.of(2, 4, 3);
const batch = (): PaddedBatch => {
  const b = padBatch(rows, 0, "left");
  return { ...b, tpMask: oneHot(positions, b.seq) };
};

const tpReference = (
  w: Gpt2Weights | LlamaWeights,
  b: PaddedBatch,
  start: number,
  exit: number,
) => {
  const d = w.config.hidden;
  const overwrite: RowOverwrite = (layer, r, x) => {
    if (layer < start || layer >= exit) return;
    x.copyWithin(positions[r] * d, (b.seq - 1) * d, b.seq * d);
  };
  return w.config.arch === "gpt2"
    ? gpt2Forward(w as Gpt2Weights, b, "normed", overwrite)
    : llamaForward(w as LlamaWeights, b, "normed", overwrite);
};

for (const c of DECODERS) {
  Deno.test({
    name: `TP on the ${c.label} fixture equals the layer-by-layer reference`,
    ...opts,
    fn: async () => {
      const fixture = await tinyFixture(c.arch, c.norm);
      const w = fixtureWeights(fixture.config, SEED) as
        | Gpt2Weights
        | LlamaWeights;
      const b = batch();
      const plainRef = tpReference(w, b, 0, 0);
      for (const [start, exit] of [[0, 2], [1, 2], [0, 1]]) {
        const path = await tpPath(fixture.modelPath, { start, exit });
        const ref = tpReference(w, b, start, exit);
        // the overwrite must matter, or this test could not fail
        assert.ok(maxAbsDiff(ref.data, plainRef.data) > 1e-2);
        for (const backend of BACKENDS) {
          const got = await statesOn(backend, path, b);
          const diff = maxRealDiff(got, ref, b.mask);
          assert.ok(
            diff <= 1e-4,
            `${backend} [${start}, ${exit}): ${diff}`,
          );
        }
      }
    },
  });

  Deno.test({
    name:
      `TP with an empty range on the ${c.label} fixture is exactly the plain graph`,
    ...opts,
    fn: async () => {
      const fixture = await tinyFixture(c.arch, c.norm);
      const b = batch();
      for (const backend of BACKENDS) {
        const plain = await statesOn(backend, fixture.modelPath, b);
        for (const k of [0, 1, 2]) {
          const path = await tpPath(fixture.modelPath, { start: k, exit: k });
          const tp = await statesOn(backend, path, b);
          assert.equal(maxAbsDiff(tp.data, plain.data), 0, `${backend} ${k}`);
        }
      }
    },
  });
}
