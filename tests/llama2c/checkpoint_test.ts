import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { Effect } from "effect";
import {
  checkpointFloats,
  type LlamaConfig,
  loadLlama2c,
  parseCheckpoint,
} from "../../src/llama2c/mod.ts";
import { pathsLayer } from "../../src/paths.ts";
import { testPaths } from "../test_paths.ts";
import { stories, storiesDir } from "./stories.ts";
import { checkpointBytes, countingPayload, tinyConfig } from "./synthetic.ts";

const failureOf = (bytes: Uint8Array) =>
  Effect.runSync(Effect.flip(parseCheckpoint(bytes, "t.bin")));

Deno.test("the shared stories260K files match their SHA256SUMS", () => {
  const sums = Deno.readTextFileSync(`${storiesDir}/SHA256SUMS`).trim().split(
    "\n",
  );
  assert.equal(sums.length, 2);
  for (const line of sums) {
    const [hex, name] = line.split(/\s+/);
    const actual = createHash("sha256").update(
      Deno.readFileSync(`${storiesDir}/${name}`),
    )
      .digest("hex");
    assert.equal(actual, hex, name);
  }
});

Deno.test("stories260K reads as its header says, with a tied classifier", () => {
  const w = stories.weights;
  const { normEps: _e, ropeTheta: _t, ...shape } = w.config;
  assert.deepEqual(shape, {
    dim: 64,
    hiddenDim: 172,
    nLayers: 5,
    nHeads: 8,
    nKvHeads: 4,
    vocabSize: 512,
    seqLen: 512,
    sharedClassifier: true,
  });
  assert.equal(w.classifier, w.tokenEmbedding);
  assert.equal(w.layers.length, 5);
  assert.equal(w.layers[0].wk.length, 32 * 64);
  assert.equal(w.layers[0].w2.length, 64 * 172);
  // Offsets worked by hand from llama2.c's order (in floats after the header):
  // emb 512·64 + rms_att 5·64 + wq 5·64·64 = 53568 starts wk; layer 2 adds 2·32·64.
  const raw = new DataView(
    Deno.readFileSync(`${storiesDir}/stories260K.bin`).buffer,
  );
  const at = (float: number) => raw.getFloat32(28 + 4 * float, true);
  assert.equal(w.layers[2].wk[5], at(53568 + 4096 + 5));
  // … + wk, wv 2·5·2048 + wo 20480 + rms_ffn 320 + w1, w2, w3 3·5·11008 = 259968.
  assert.equal(w.finalNorm[0], at(259968));
  assert.equal(w.finalNorm[63], at(259968 + 63));
});

Deno.test("every tensor starts at its hand-computed offset, wcls after freq_cis when unshared", () => {
  const c: LlamaConfig = { ...tinyConfig, sharedClassifier: false };
  assert.equal(checkpointFloats(c), 1320);
  const w = Effect.runSync(
    parseCheckpoint(checkpointBytes(c, countingPayload(c)), "t"),
  );
  const starts = (l: number) => {
    const L = w.layers[l];
    return [L.attnNorm, L.wq, L.wk, L.wv, L.wo, L.ffnNorm, L.w1, L.w2, L.w3]
      .map((a) => a[0]);
  };
  assert.equal(w.tokenEmbedding[0], 0);
  assert.deepEqual(starts(0), [128, 144, 272, 336, 400, 528, 544, 736, 928]);
  assert.deepEqual(starts(1), [136, 208, 304, 368, 464, 536, 640, 832, 1024]);
  assert.equal(w.finalNorm[0], 1120);
  assert.equal(w.classifier[0], 1192); // 1128 + 2 · seqLen · headSize/2
  assert.equal(w.classifier.at(-1), 1319);
  assert.equal(w.layers[1].w3.at(-1), 1119);
});

Deno.test("short, long and malformed files are Llama2cFormatError with the reason", () => {
  const c = tinyConfig;
  const good = checkpointBytes(c, countingPayload(c));
  // 28 header bytes + 4 · (1320 − 128 classifier floats) for the tied tiny model.
  const cases: Array<[Uint8Array, RegExp]> = [
    [
      good.slice(0, good.length - 4),
      /truncated: 4792 bytes, the header implies 4796/,
    ],
    [Uint8Array.from([...good, 0, 0, 0, 0]), /trailing bytes/],
    [good.slice(0, 10), /truncated header: 10 bytes/],
    [
      checkpointBytes({ ...c, nHeads: 3 }, new Float32Array(4)),
      /dim 8 is not n_heads 3/,
    ],
    [
      checkpointBytes({ ...c, nKvHeads: 3 }, new Float32Array(4)),
      /not a multiple of n_kv_heads 3/,
    ],
    [
      checkpointBytes({ ...c, nLayers: 0 }, new Float32Array(4)),
      /zero or negative/,
    ],
    [
      Uint8Array.from([0x32, 0x34, 0x6b, 0x61, 2, 0, 0, 0, ...good.slice(8)]),
      /versioned export .* version 2/,
    ],
  ];
  for (const [bytes, reason] of cases) {
    const e = failureOf(bytes);
    assert.equal(e._tag, "Llama2cFormatError");
    assert.match(e.message, reason);
    assert.match(e.message, /t\.bin/);
  }
});

Deno.test("a missing model folder is MissingModelFiles", async () => {
  const e = await Effect.runPromise(Effect.flip(
    loadLlama2c("no-such-model", { checkpoint: "m.bin", tokenizer: "t.bin" })
      .pipe(
        Effect.provide(pathsLayer(testPaths)),
      ),
  ));
  assert.equal(e._tag, "MissingModelFiles");
});
