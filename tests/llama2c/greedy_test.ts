import "../temp_cache.ts";
import assert from "node:assert/strict";
import { greedyDecode, kvCacheStepper } from "../../src/llama2c/mod.ts";
import { maxAbsDiff } from "./arrays.ts";
import { golden, stories, storiesDir } from "./stories.ts";

const OPENING =
  "Once upon a time, there was a little girl named Lily. She loved to play outside in the park.";

Deno.test("greedy decoding from BOS reproduces the known story opening byte for byte", () => {
  const ids = greedyDecode(stories.weights, { steps: 32 });
  const text = stories.tokenizer.decode(ids);
  assert.ok(text.startsWith(OPENING), JSON.stringify(text));
});

// The sample karpathy/llama2.c publishes beside the checkpoint, from
// `./run stories260K.bin -z tok512.bin -t 0.0` (256 steps).
const upstreamSample = (): string => {
  const md = Deno.readTextFileSync(`${storiesDir}/stories260K.upstream.md`);
  const block = md.split("-t 0.0\n")[1].split("```")[0];
  return block.trim();
};

Deno.test("256 greedy steps give llama2.c's tokens and its published sample", () => {
  const ids = greedyDecode(stories.weights, { steps: 256 });
  assert.deepEqual(Array.from(ids), golden.greedy);
  assert.equal(ids.length, 257);
  assert.equal(stories.tokenizer.decode(ids).trim(), upstreamSample());
});

// Logits reach |17|, where an fp32 ulp is 1.9e-6: run.c sums in fp32, this
// forward in double, and they differ by about 5e-6 (3 ulp).
Deno.test("next-token logits match llama2.c's to 1e-5", () => {
  const stepper = kvCacheStepper(stories.weights);
  assert.ok(
    maxAbsDiff(stepper.step(golden.greedy[0], 0), golden.logitsAt0) < 1e-5,
  );
  for (let pos = 1; pos < 9; pos++) stepper.step(golden.greedy[pos], pos);
  assert.ok(
    maxAbsDiff(stepper.step(golden.greedy[9], 9), golden.logitsAt9) < 1e-5,
  );
});

Deno.test("a prompt is fed as given before decoding continues", () => {
  const prompt = Array.from(stories.tokenizer.encode("Lily's mom said"));
  const ids = greedyDecode(stories.weights, { steps: 24, prompt });
  assert.deepEqual(Array.from(ids.subarray(0, prompt.length)), prompt);
  assert.ok(ids.length > prompt.length && ids.length <= 25);
  assert.ok(stories.tokenizer.decode(ids).startsWith("Lily's mom said"));
});
