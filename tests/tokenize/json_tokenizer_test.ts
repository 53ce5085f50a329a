import assert from "node:assert/strict";
import { Effect } from "effect";
import { loadStsTask } from "../../src/eval/sts_data.ts";
import { pathsLayer } from "../../src/paths.ts";
import { tokenizerFromJson } from "../../src/tokenize/json_tokenizer.ts";
import { loadPretrainedTokenizer } from "../../src/tokenize/pretrained_tokenizer.ts";
import { testPaths } from "../test_paths.ts";

const MODELS = [
  "bert-base-uncased",
  "gpt2",
  "all-MiniLM-L6-v2",
  "all-mpnet-base-v2",
];

const EDGE_CASES = [
  "",
  "   ",
  "Héllo, Wörld! naïve café",
  'This sentence : "A man plays" means [MASK] .',
  "emoji 🤖🎸 and 中文字符",
  "tabs\tand\nnewlines",
  "<s> </s> <pad> <mask> [CLS] [SEP]",
  "a".repeat(300),
];

Deno.test("the browser's tokenizer (tokenizer.json alone) gives the server's ids, specials, pad and mask", async () => {
  const sts = await Effect.runPromise(
    loadStsTask(testPaths.data, "STSBenchmark", "raw"),
  );
  const texts = [
    ...sts.s1.slice(0, 300),
    ...sts.s2.slice(0, 300),
    ...EDGE_CASES,
  ];
  for (const model of MODELS) {
    const server = await Effect.runPromise(
      loadPretrainedTokenizer(model).pipe(
        Effect.provide(pathsLayer(testPaths)),
      ),
    );
    const folder = `${testPaths.models}/${model}`;
    const client = tokenizerFromJson(
      model,
      JSON.parse(Deno.readTextFileSync(`${folder}/tokenizer.json`)),
      JSON.parse(Deno.readTextFileSync(`${folder}/tokenizer_config.json`)),
    );
    assert.equal(client.padId, server.padId, `${model} pad`);
    assert.equal(client.maskId, server.maskId, `${model} mask`);
    for (const text of texts) {
      const a = client.tokenize(text);
      const b = server.tokenize(text);
      assert.deepEqual(a.ids, b.ids, `${model}: ${text}`);
      assert.deepEqual(a.special, b.special, `${model}: ${text}`);
      assert.deepEqual(a.tokens, b.tokens, `${model}: ${text}`);
    }
  }
});
