import assert from "node:assert/strict";
import { Effect } from "effect";
import {
  loadWikipediaSentences,
  wikiSentences,
} from "../../src/corpus/wikipedia.ts";
import { loadGeneralCorpus } from "../../src/corpus/general_corpus.ts";
import { wikitextSentences } from "../../src/corpus/wikitext.ts";
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

Deno.test("WikiText loses headings and @x@ escapes, and splits into sentences", () => {
  const text = [
    " = Robert Boulter = \r",
    " Boulter is an English film , television and theatre actor . He had a guest @-@ starring role in 2 @,@ 000 episodes . \r",
    " = = Career = = \r",
    " He spent 1 @.@ 5 years on stage in London . \r",
  ].join("\n");
  assert.deepEqual(wikitextSentences(text), [
    "Boulter is an English film , television and theatre actor .",
    "He had a guest-starring role in 2,000 episodes .",
    "He spent 1.5 years on stage in London .",
  ]);
});

Deno.test("the general corpus is Wikipedia first, then WikiText", async () => {
  const all = await Effect.runPromise(loadGeneralCorpus(testPaths.data, 1e9));
  const wiki = await Effect.runPromise(
    loadWikipediaSentences(testPaths.data, 1e9),
  );
  assert.deepEqual(all.slice(0, wiki.length), wiki);
  assert.ok(all.length > wiki.length + 5000, `${all.length} vs ${wiki.length}`);
});
