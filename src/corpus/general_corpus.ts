import { Effect } from "effect";
import { loadWikipediaSentences } from "./wikipedia.ts";
import { loadWikitextSentences } from "./wikitext.ts";

/**
 * The general English corpus corpus-fitted statistics come from: the staged
 * Wikipedia articles, then WikiText-2, at most `limit` sentences in all.
 */
export const loadGeneralCorpus = Effect.fn("loadGeneralCorpus")(
  function* (dataDir: string, limit: number) {
    const wiki = yield* loadWikipediaSentences(dataDir, limit);
    if (wiki.length >= limit) return wiki;
    const more = yield* loadWikitextSentences(dataDir);
    return [...wiki, ...more.slice(0, limit - wiki.length)];
  },
);
