import assert from "node:assert/strict";
import { Effect } from "effect";
import {
  loadWikipediaSentences,
  wikiSentences,
} from "../../src/corpus/wikipedia.ts";
import { testPaths } from "../test_paths.ts";

Deno.test("WikiExtractor pages lose tags and titles and split into sentences", () => {
  const page = [
    '<doc id="1" url="u" title="Cats">',
    "Cats",
    "",
    "Cats are small animals. They were domesticated long ago! Why do cats purr so much? Nobody is quite sure.",
    "History.",
    "</doc>",
  ].join("\n");
  assert.deepEqual(wikiSentences(page), [
    "Cats are small animals.",
    "They were domesticated long ago!",
    "Why do cats purr so much?",
    "Nobody is quite sure.",
  ]);
});

Deno.test("the staged corpus yields the requested number of sentences", async () => {
  const s = await Effect.runPromise(
    loadWikipediaSentences(testPaths.data, 500),
  );
  assert.equal(s.length, 500);
  assert.ok(s[0].startsWith("Anarchism is a political philosophy"), s[0]);
  assert.ok(s.every((x) => !x.includes("<doc")));
});

Deno.test("a missing corpus folder is a DataError naming it", async () => {
  const e = await Effect.runPromise(
    Effect.flip(loadWikipediaSentences("/nonexistent", 10)),
  );
  assert.equal(e._tag, "DataError");
  assert.match(e.message, /nonexistent/);
});
