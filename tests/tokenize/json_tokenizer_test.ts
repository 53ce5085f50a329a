import assert from "node:assert/strict";
import { Effect } from "effect";
import { loadStsTask } from "../../src/eval/sts_data.ts";
import { AutoTokenizer, env } from "@huggingface/transformers";
import { pathsLayer } from "../../src/paths.ts";
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

// The reference: transformers.js's AutoTokenizer on the same folder.
const reference = async (model: string) => {
  env.localModelPath = `${testPaths.models}/`;
  env.allowLocalModels = true;
  env.allowRemoteModels = false;
  const t = await AutoTokenizer.from_pretrained(model, {
    local_files_only: true,
  });
  const ids = t as unknown as {
    pad_token_id?: number | null;
    mask_token_id?: number | null;
  };
  const specials = new Set(t.all_special_ids);
  const byId = new Map([...t.get_vocab()].map(([token, id]) => [id, token]));
  return {
    padId: ids.pad_token_id ?? undefined,
    maskId: ids.mask_token_id ?? undefined,
    tokenize: (text: string) => {
      const encoded = Uint32Array.from(t.encode(text));
      return {
        ids: encoded,
        special: Uint8Array.from(encoded, (id) => specials.has(id) ? 1 : 0),
        tokens: Array.from(encoded, (id) => byId.get(id) ?? ""),
      };
    },
  };
};

Deno.test("the tokenizer.json tokenizer gives transformers.js's ids, specials, tokens, pad and mask", async () => {
  const sts = await Effect.runPromise(
    loadStsTask(testPaths.data, "STSBenchmark", "raw"),
  );
  const texts = [
    ...sts.s1.slice(0, 300),
    ...sts.s2.slice(0, 300),
    ...EDGE_CASES,
  ];
  for (const model of MODELS) {
    const server = await reference(model);
    // The library's loader, which the server, the edge and the page share.
    const client = await Effect.runPromise(
      loadPretrainedTokenizer(model).pipe(
        Effect.provide(pathsLayer(testPaths)),
      ),
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

Deno.test("known ids: BERT uncased and MiniLM (same vocabulary) and GPT-2", async () => {
  // Published ids (Hugging Face's Python tokenizers) for these strings.
  const cases: [string, string, number[]][] = [
    ["bert-base-uncased", "Hello, world!", [101, 7592, 1010, 2088, 999, 102]],
    ["all-MiniLM-L6-v2", "Hello, world!", [101, 7592, 1010, 2088, 999, 102]],
    ["gpt2", "Hello world", [15496, 995]],
  ];
  for (const [model, text, ids] of cases) {
    const t = await Effect.runPromise(
      loadPretrainedTokenizer(model).pipe(
        Effect.provide(pathsLayer(testPaths)),
      ),
    );
    assert.deepEqual([...t.tokenize(text).ids], ids, model);
  }
});
