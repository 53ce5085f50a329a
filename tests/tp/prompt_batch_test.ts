import "../temp_cache.ts";
import assert from "node:assert/strict";
import { Effect, Exit } from "effect";
import { PLACEHOLDER_ID } from "../../src/llama2c/mod.ts";
import { placeholderBatch } from "../../src/prompt/prompt_batch.ts";
import type { PromptSpec } from "../../src/prompt/prompt_spec.ts";
import { TEMPLATES, withPlaceholder } from "../../src/prompt/templates.ts";
import { wrapSentence } from "../../src/prompt/wrap.ts";
import type { Tokenized, Tokenizer } from "../../src/tokenize/tokenized.ts";
import { stories } from "../llama2c/stories.ts";

const promptEol: PromptSpec = {
  template: TEMPLATES.promptEol,
  appendPeriod: true,
  replaceDoubleQuotes: true,
};

const build = (
  tokenizer: Tokenizer,
  prompt: PromptSpec,
  sentences: string[],
  placeholderId = 99,
) =>
  Effect.runPromise(
    placeholderBatch(tokenizer, prompt, sentences, { placeholderId }),
  );

/**
 * Splits on spaces, ids from a fixed word list (unknown words: 3); BOS (1)
 * before and EOS (2) after, both special, as encoder-style tokenizers do.
 */
const WORDS = [
  "This",
  "sentence",
  ":",
  '"A',
  'cat."',
  '"Dogs',
  'bark."',
  "means",
  "in",
  "one",
  'word:"',
];
const wordTokenizer: Tokenizer = {
  name: "words",
  padId: 0,
  tokenize(text: string): Tokenized {
    const words = text.split(" ").filter((w) => w !== "");
    const ids = [
      1,
      ...words.map((w) => WORDS.includes(w) ? 10 + WORDS.indexOf(w) : 3),
      2,
    ];
    return {
      tokens: ["<s>", ...words, "</s>"],
      ids: Uint32Array.from(ids),
      special: Uint8Array.from(ids, (id) => (id === 1 || id === 2 ? 1 : 0)),
    };
  },
};

Deno.test("hand-worked batch: the placeholder follows the prefix's tokens, rows are left-padded", async () => {
  const { batch, positions } = await build(wordTokenizer, promptEol, [
    "A cat",
    "Dogs bark.",
  ]);
  // This sentence : <PST> "A cat." means in one word:" </s>
  const row0 = [1, 10, 11, 12, 99, 13, 14, 17, 18, 19, 20, 2];
  const row1 = [1, 10, 11, 12, 99, 15, 16, 17, 18, 19, 20, 2];
  assert.deepEqual([batch.batch, batch.seq], [2, 12]);
  assert.deepEqual([...batch.ids], [...row0, ...row1]);
  assert.deepEqual([...positions], [4, 4]);
  const uneven = await build(wordTokenizer, promptEol, ["A cat", "A big cat"]);
  // "big" is unknown (3): row 1 is one longer, so row 0 gets one pad on the left
  assert.deepEqual([...uneven.positions], [5, 4]);
  assert.deepEqual([...uneven.batch.ids.subarray(0, 6)], [
    0,
    1,
    10,
    11,
    12,
    99,
  ]);
  assert.deepEqual([...uneven.batch.mask.subarray(0, 2)], [0, 1]);
  assert.deepEqual(
    [...uneven.batch.tpMask].flatMap((v, i) => v === 1 ? [i] : []),
    [5, 13 + 4],
  );
});

Deno.test("stories260K: removing <PST> gives exactly the plain PromptEOL tokens, it sits before the opening quote", async () => {
  const sentences = [
    "Lily was sad",
    'He said "run".',
    "The big dog ran to the park.",
  ];
  const { batch, positions } = await build(
    stories.tokenizer,
    promptEol,
    sentences,
    PLACEHOLDER_ID,
  );
  assert.equal(
    new Set(positions).size,
    3,
    "left padding moves the placeholder per row",
  );
  sentences.forEach((s, r) => {
    const row = Array.from(
      batch.ids.subarray(r * batch.seq, (r + 1) * batch.seq),
    );
    const mask = batch.mask.subarray(r * batch.seq, (r + 1) * batch.seq);
    const real = row.filter((_, t) => mask[t] === 1);
    const first = batch.seq - real.length;
    const p = positions[r];
    assert.equal(row[p], PLACEHOLDER_ID);
    assert.equal(batch.tpMask[r * batch.seq + p], 1);
    assert.equal(
      batch.tpMask.subarray(r * batch.seq, (r + 1) * batch.seq).reduce((a, b) =>
        a + b
      ),
      1,
    );
    const plain = stories.tokenizer.tokenize(wrapSentence(s, promptEol)).ids;
    real.splice(p - first, 1);
    assert.deepEqual(real, Array.from(plain));
    assert.equal(stories.tokenizer.decode([row[p + 1]]), ' "');
    assert.equal(
      stories.tokenizer.decode(row.slice(first, p)),
      "This sentence :",
    );
    assert.equal(
      stories.tokenizer.decode([row[batch.seq - 1]]),
      '"',
      "last token: the final quote",
    );
  });
});

Deno.test("a template marked with <PST> and a demonstration: the placeholder goes in the sentence's instance", async () => {
  const knowledge = { ...promptEol, template: TEMPLATES.knowledge };
  const marked = {
    ...knowledge,
    template: withPlaceholder(TEMPLATES.knowledge),
  };
  const a = await build(stories.tokenizer, knowledge, ["A dog."], 0);
  const b = await build(stories.tokenizer, marked, ["A dog."], 0);
  assert.deepEqual([...a.batch.ids], [...b.batch.ids]);
  assert.deepEqual([...a.positions], [...b.positions]);
  const icl = {
    ...promptEol,
    demonstration: { sentence: "A jockey riding a horse.", word: "Equestrian" },
  };
  const { batch, positions } = await build(
    stories.tokenizer,
    icl,
    ["A dog."],
    0,
  );
  const before = stories.tokenizer.decode(batch.ids.subarray(0, positions[0]));
  assert.equal(
    before,
    'This sentence : "A jockey riding a horse." means in one word:"Equestrian".This sentence :',
  );
});

Deno.test("a prefix that is not a token boundary, a template without a quoted slot and no sentences are typed errors", () => {
  // four-character chunks: "This sentence :" ends mid-chunk of the full prompt
  const ids = new Map<string, number>();
  const chunks: Tokenizer = {
    name: "chunks",
    tokenize: (text) => {
      const parts = text.match(/.{1,4}/g) ?? [];
      return {
        tokens: parts,
        ids: Uint32Array.from(
          parts,
          (p) => ids.get(p) ?? ids.set(p, ids.size).size - 1,
        ),
        special: new Uint8Array(parts.length),
      };
    },
  };
  const run = (t: Tokenizer, p: PromptSpec, s: string[]) =>
    Effect.runSyncExit(placeholderBatch(t, p, s, { placeholderId: 0 }));
  const bad = run(chunks, promptEol, ["Hi"]);
  assert.ok(Exit.isFailure(bad));
  assert.match(
    String(bad.cause),
    /PlaceholderUnplaceable[\s\S]*token boundary/,
  );
  const noQuote = run(
    wordTokenizer,
    { ...promptEol, template: "Say [X] now" },
    ["Hi"],
  );
  assert.ok(Exit.isFailure(noQuote));
  assert.match(String(noQuote.cause), /PlaceholderUnplaceable/);
  const empty = run(wordTokenizer, promptEol, []);
  assert.ok(Exit.isFailure(empty));
  assert.match(String(empty.cause), /EmptyInput/);
});
