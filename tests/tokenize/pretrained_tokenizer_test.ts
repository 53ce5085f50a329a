import assert from "node:assert/strict";
import { Effect } from "effect";
import { pathsLayer } from "../../src/paths.ts";
import { loadPretrainedTokenizer } from "../../src/tokenize/pretrained_tokenizer.ts";
import { testPaths } from "../test_paths.ts";

const load = (model: string) =>
  Effect.runPromise(
    loadPretrainedTokenizer(model).pipe(Effect.provide(pathsLayer(testPaths))),
  );

Deno.test("bert-base-uncased tokenizer gives WordPiece ids and special flags", async () => {
  const tok = await load("bert-base-uncased");
  const t = tok.tokenize("Hello, tokenization world!");
  // [CLS]=101, [SEP]=102; "hello"=7592, ","=1010, "token"=19204, "##ization"=3989 (vocab.txt line = id + 1).
  assert.equal(t.ids[0], 101);
  assert.equal(t.ids[t.ids.length - 1], 102);
  assert.deepEqual(Array.from(t.ids.slice(1, 5)), [7592, 1010, 19204, 3989]);
  assert.deepEqual(t.tokens.slice(3, 5), ["token", "##ization"]);
  assert.equal(t.tokens[0], "[CLS]");
  assert.ok(t.tokens.some((x) => x.startsWith("##")), t.tokens.join(" "));
  assert.deepEqual(
    Array.from(t.special),
    t.tokens.map((x) => (x === "[CLS]" || x === "[SEP]" ? 1 : 0)),
  );
});

Deno.test("a missing model folder fails with MissingModelFiles naming the file", async () => {
  const error = await Effect.runPromise(
    Effect.flip(loadPretrainedTokenizer("no-such-model")).pipe(
      Effect.provide(pathsLayer(testPaths)),
    ),
  );
  assert.equal(error._tag, "MissingModelFiles");
  assert.match(error.message, /no-such-model\/tokenizer\.json/);
  assert.match(error.message, /SENTEMB_MODELS/);
});

Deno.test("a model id that climbs out of the models folder is refused", async () => {
  for (const bad of ["../data", "/etc/passwd", "a/../../b", ""]) {
    const error = await Effect.runPromise(
      Effect.flip(loadPretrainedTokenizer(bad)).pipe(
        Effect.provide(pathsLayer(testPaths)),
      ),
    );
    assert.equal(error._tag, "MissingModelFiles", bad);
  }
});
