import assert from "node:assert/strict";
import { Effect } from "effect";
import {
  decode,
  encode,
  encodeCounter,
  llama2cTokenizer,
  type Llama2cVocab,
  parseVocab,
} from "../../src/llama2c/mod.ts";
import { testPaths } from "../test_paths.ts";
import { encodeReference } from "./encode_reference.ts";
import { basePieces, vocabBytes } from "./vocab_bytes.ts";

const tok512 = Effect.runSync(parseVocab(
  Deno.readFileSync(`${testPaths.models}/stories260K/tok512.bin`),
  "tok512.bin",
));

const stsSentences = (): string[] =>
  Deno.readTextFileSync(
    `${testPaths.data}/sts/STSBenchmark/raw/sts-test.csv`,
  ).split("\n").flatMap((line) => line.split("\t").slice(5, 7));

/** mulberry32: a small seeded PRNG, floats in [0, 1). */
const prng = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

const sameIds = (
  vocab: Llama2cVocab,
  text: string,
  options = { bos: true, eos: false },
) =>
  assert.deepEqual(
    Array.from(encode(vocab, text, options)),
    Array.from(encodeReference(vocab, text, options)),
    JSON.stringify(text),
  );

Deno.test("encode matches the quadratic reference on 2,000 STS-B sentences", () => {
  const sentences = stsSentences().slice(0, 2000);
  assert.equal(sentences.length, 2000);
  sentences.forEach((s, i) =>
    sameIds(tok512, s, { bos: i % 2 === 0, eos: i % 3 === 0 })
  );
});

const pick = <T>(rand: () => number, xs: ReadonlyArray<T>): T =>
  xs[Math.floor(rand() * xs.length)];
const range = (rand: () => number, lo: number, hi: number) =>
  String.fromCodePoint(lo + Math.floor(rand() * (hi - lo + 1)));

/** Random text mixing the scripts and characters tokenizers trip on. */
const randomText = (
  rand: () => number,
  pieces: ReadonlyArray<string>,
  loneSurrogates: boolean,
): string => {
  const parts: Array<() => string> = [
    () => pick(rand, pieces), // whole vocabulary pieces: many merges
    () => pick(rand, pieces),
    () => range(rand, 0x20, 0x7e),
    () =>
      pick(rand, [" ", "  ", "   ", "\t", "\n", "\r\n", "\u00a0", "\u3000"]),
    () => range(rand, 0x00, 0x1f), // C0 controls, NUL included
    () => pick(rand, ["\u007f", range(rand, 0x80, 0x9f), "\u0000"]),
    () => range(rand, 0xc0, 0x17f), // Latin-1 and Latin Extended-A
    () => "e" + range(rand, 0x300, 0x36f), // combining marks
    () => range(rand, 0x4e00, 0x9fff), // CJK
    () => range(rand, 0xac00, 0xd7a3), // Hangul
    () => range(rand, 0x1f300, 0x1f6ff), // emoji (4 UTF-8 bytes)
    () => pick(rand, ["👨‍👩‍👧", "👍🏽", "🇫🇷", "❤️", "\u200d", "\ufeff"]),
    ...(loneSurrogates
      ? [() => pick(rand, ["\ud800", "\udfff", "a\ud83d"])]
      : []),
  ];
  let s = "";
  const n = Math.floor(rand() * 40);
  for (let i = 0; i < n; i++) s += pick(rand, parts)();
  return s;
};

const textPieces = tok512.pieces.slice(259).map((p) =>
  new TextDecoder().decode(p)
);

Deno.test("encode matches the reference on seeded random unicode, controls and whitespace", () => {
  const rand = prng(20240611);
  for (let i = 0; i < 1500; i++) {
    const text = randomText(rand, textPieces, true);
    sameIds(tok512, text, { bos: rand() < 0.7, eos: rand() < 0.3 });
  }
});

// Small alphabets, integer scores and overlapping pieces make ties between
// equal-scoring pairs (and between positions of one piece) the common case;
// -1e10, -Infinity and NaN must never merge, as in llama2.c.
Deno.test("encode matches the reference on random tie-heavy vocabularies", () => {
  const rand = prng(7);
  const alphabet = [" ", "a", "b", "c", "é"];
  const scores = [0, 1, 1, 2, 2, 3, -1, 0.5, -1e10, -Infinity, NaN];
  for (let v = 0; v < 40; v++) {
    const entries: Array<readonly [number, string]> = [
      ...basePieces(),
      ...alphabet.filter((c) => c !== "é" || rand() < 0.5).map((c) =>
        [pick(rand, scores), c] as const
      ),
    ];
    for (let k = 0; k < 60; k++) {
      let piece = "";
      const len = 2 + Math.floor(rand() * 4);
      for (let j = 0; j < len; j++) piece += pick(rand, alphabet);
      entries.push([pick(rand, scores), piece]);
    }
    // A piece spelled like a byte piece's name merges from "<0x61>" tokens.
    entries.push([1, "<0x61><0x62>"]);
    const vocab = Effect.runSync(parseVocab(vocabBytes(24, entries), "toy"));
    for (let t = 0; t < 60; t++) {
      let text = "";
      const n = Math.floor(rand() * 50);
      for (let j = 0; j < n; j++) text += pick(rand, [...alphabet, "\u0000"]);
      sameIds(vocab, text, { bos: rand() < 0.5, eos: false });
    }
  }
});

Deno.test("decode(encode(x)) round-trips wherever the reference does, and on well-formed text", () => {
  const rand = prng(99);
  const texts = [
    ...stsSentences().slice(0, 300),
    ...Array.from({ length: 300 }, () => randomText(rand, textPieces, true)),
    ...Array.from({ length: 700 }, () => randomText(rand, textPieces, false)),
  ];
  let wellFormed = 0;
  for (const text of texts) {
    const ids = encode(tok512, text, { bos: true, eos: true });
    const reference = decode(
      tok512,
      encodeReference(tok512, text, { bos: true, eos: true }),
    );
    if (reference === text) assert.equal(decode(tok512, ids), text);
    // TextDecoder drops a leading byte-order mark, so decode does too.
    if (text.isWellFormed() && !text.startsWith("\ufeff")) {
      wellFormed++;
      assert.equal(decode(tok512, ids), text, JSON.stringify(text));
    }
  }
  assert.ok(wellFormed >= 900);
});

Deno.test("NUL and other control characters are byte pieces, never the end of the text", () => {
  const ids = (text: string) =>
    Array.from(encode(tok512, text, { bos: true, eos: false }));
  const after = ids("upon a time").slice(2); // without BOS and " "
  const withNul = ids("Once\u0000upon a time");
  assert.deepEqual(withNul.slice(-after.length), after);
  assert.ok(withNul.includes(3 + 0x00));
  assert.equal(decode(tok512, withNul), "Once\u0000upon a time");
  // A leading NUL still gets the dummy prefix, as any non-empty text does.
  assert.deepEqual(ids("\u0000"), [1, tok512.index.get(" ")!, 3]);
  // tok512 has no piece for a control character: one byte piece each.
  for (const c of [0x00, 0x01, 0x07, 0x1b, 0x1f, 0x7f]) {
    assert.deepEqual(ids(`a${String.fromCharCode(c)}b`).slice(-2), [
      3 + c,
      tok512.index.get("b")!,
    ]);
  }
  // C1 controls are two UTF-8 bytes, so two byte pieces.
  assert.deepEqual(ids("\u0085").slice(2), [3 + 0xc2, 3 + 0x85]);
  const t = llama2cTokenizer(tok512, "tok512").tokenize("a\u0000b");
  assert.deepEqual(t.tokens.slice(-2), ["<0x00>", "b"]);
});

const stsText = (length: number): string => {
  let s = "";
  const sentences = stsSentences();
  for (let i = 0; s.length < length; i++) {
    s += sentences[i % sentences.length] + (i % 7 === 6 ? "\n" : " ");
  }
  return s.slice(0, length);
};

Deno.test("heap work grows ~linearly: 16,000 and 64,000 characters", () => {
  // Small enough for the quadratic reference, long enough for many merges.
  sameIds(tok512, stsText(3000));
  const work = (length: number) => {
    const counter = encodeCounter();
    const ids = encode(tok512, stsText(length), {
      bos: true,
      eos: false,
      counter,
    });
    assert.ok(ids.length > length / 8);
    // At most n - 1 pairs at first and two per merge, each popped once.
    assert.ok(counter.merges < counter.symbols);
    assert.ok(counter.pushes <= 3 * counter.symbols);
    assert.ok(counter.pops <= counter.pushes);
    return { ...counter, ops: counter.pushes + counter.pops };
  };
  const small = work(16_000);
  const large = work(64_000);
  assert.ok(small.symbols >= 16_000 && large.symbols >= 64_000);
  const ratio = large.ops / small.ops;
  assert.ok(ratio > 3.6 && ratio < 4.4, `64k/16k heap operations ${ratio}`);
});
