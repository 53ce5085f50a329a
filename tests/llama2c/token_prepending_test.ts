import "../temp_cache.ts";
import assert from "node:assert/strict";
import {
  hiddenStates,
  lastTokenIndex,
  leftPad,
  type TokenBatch,
} from "../../src/llama2c/mod.ts";
import { maxAbsDiff, rowOf } from "./arrays.ts";
import { stories } from "./stories.ts";

const w = stories.weights;
const L = w.config.nLayers;

// PromptEOL with the <PST> placeholder; stories260K has no such piece, so any
// fixed token stands in for it (its embedding barely matters, METHODS §4).
const prompt = (s: string) =>
  `This sentence : <PST> "${s}" means in one word:"`;
const sentences = [
  "A man is playing a guitar.",
  "Lily was sad.",
  "The dog ran to the park and played.",
];

/** The left-padded batch and, per row, the index of the placeholder's last piece (">"). */
const tpBatch = (): { batch: TokenBatch; positions: Int32Array } => {
  const seqs = sentences.map((s) =>
    Array.from(stories.tokenizer.encode(prompt(s)))
  );
  const batch = leftPad(seqs, 0);
  // "<PST>" is no piece here: it encodes as "<", "P", "S", "T", ">".
  const close = stories.tokenizer.vocab.index.get(">")!;
  const positions = Int32Array.from(
    seqs,
    (s) => batch.seq - s.length + s.indexOf(close),
  );
  positions.forEach((p, r) => {
    const piece = stories.tokenizer.decode([batch.ids[r * batch.seq + p + 1]]);
    assert.equal(piece, ' "', "the opening quote follows the placeholder");
  });
  return { batch, positions };
};

Deno.test("an empty layer range is exactly the plain forward", () => {
  const { batch, positions } = tpBatch();
  const plain = hiddenStates(w, batch);
  for (const start of [0, 2, L]) {
    const tp = hiddenStates(w, batch, { positions, start, exit: start });
    // Bit-for-bit, but compared by max |Δ|: a failing deepEqual on 10⁵ floats diffs for minutes.
    assert.equal(maxAbsDiff(tp.data, plain.data), 0);
  }
});

Deno.test("range [0, 1) equals the plain forward with the placeholder's id replaced by the last token's", () => {
  const { batch, positions } = tpBatch();
  const ids = batch.ids.slice();
  for (let r = 0; r < batch.batch; r++) {
    ids[r * batch.seq + positions[r]] =
      ids[r * batch.seq + lastTokenIndex(batch, r)];
  }
  const tp = hiddenStates(w, batch, { positions, start: 0, exit: 1 });
  assert.equal(maxAbsDiff(tp.data, hiddenStates(w, { ...batch, ids }).data), 0);
});

Deno.test("rows before the placeholder are untouched, the placeholder row carries the last row", () => {
  const { batch, positions } = tpBatch();
  const plain = hiddenStates(w, batch);
  const tp = hiddenStates(w, batch, { positions, start: 1, exit: 4 });
  let changedLast = 0;
  for (let r = 0; r < batch.batch; r++) {
    const p = positions[r];
    for (let l = 0; l <= L; l++) {
      for (let t = 0; t < p; t++) {
        assert.deepEqual(rowOf(tp, l, r, t), rowOf(plain, l, r, t));
      }
      if (l >= 1 && l < 4) {
        assert.deepEqual(rowOf(tp, l, r, p), rowOf(tp, l, r, batch.seq - 1));
      }
    }
    assert.deepEqual(
      rowOf(tp, 1, r, batch.seq - 1),
      rowOf(plain, 1, r, batch.seq - 1),
    );
    if (
      rowOf(tp, L, r, batch.seq - 1).some((v, i) =>
        v !== rowOf(plain, L, r, batch.seq - 1)[i]
      )
    ) {
      changedLast++;
    }
  }
  assert.equal(
    changedLast,
    batch.batch,
    "the final state of every row feels the overwrite",
  );
});

Deno.test("Token Prepending on a padded batch equals it on each row alone", () => {
  const { batch, positions } = tpBatch();
  const tp = hiddenStates(w, batch, { positions, start: 1, exit: 3 });
  for (let r = 0; r < batch.batch; r++) {
    const row = { ids: batch.ids.subarray(r * batch.seq, (r + 1) * batch.seq) };
    const pad = row.ids.length -
      batch.mask.subarray(r * batch.seq, (r + 1) * batch.seq)
        .reduce((a, b) => a + b, 0);
    const alone = leftPad([Array.from(row.ids.subarray(pad))], 0);
    const one = hiddenStates(w, alone, {
      positions: Int32Array.of(positions[r] - pad),
      start: 1,
      exit: 3,
    });
    for (let l = 0; l <= L; l++) {
      for (let t = 0; t < alone.seq; t++) {
        assert.deepEqual(rowOf(tp, l, r, pad + t), rowOf(one, l, 0, t));
      }
    }
  }
});

Deno.test("ranges and placeholder positions are checked", () => {
  const { batch, positions } = tpBatch();
  assert.throws(
    () => hiddenStates(w, batch, { positions, start: 2, exit: 1 }),
    /\[2, 1\) must lie within \[0, 5\]/,
  );
  assert.throws(
    () => hiddenStates(w, batch, { positions, start: 0, exit: 6 }),
    /must lie within/,
  );
  assert.throws(
    () =>
      hiddenStates(w, batch, {
        positions: positions.subarray(1),
        start: 0,
        exit: 1,
      }),
    /one position per row/,
  );
  assert.throws(
    () =>
      hiddenStates(w, batch, {
        positions: Int32Array.of(0, 0, 0),
        start: 0,
        exit: 1,
      }),
    /row 0: placeholder position 0 is not a real token|row 1: placeholder position 0/,
  );
});
