import { Effect } from "effect";
import { DataError } from "../errors.ts";
import { splitSentences } from "./wikipedia.ts";

const FILE = "wikitext/wikitext-2-raw/wiki.test.raw";

// WikiText escapes in-number and in-word punctuation as " @-@ ", " @,@ ",
// " @.@ "; undoing it restores "state-of-the-art" and "1,000" as one token.
const UNESCAPE = / @([-,.])@ /g;

/**
 * Sentences of WikiText-2 raw text: `= Heading =` lines are dropped, the
 * `@x@` escapes undone, paragraphs split at sentence ends.
 */
export const wikitextSentences = (text: string): string[] => {
  const out: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || /^=.*=$/.test(line)) continue;
    out.push(...splitSentences(line.replace(UNESCAPE, "$1")));
  }
  return out;
};

/** The staged WikiText-2 raw test split, as sentences. */
export const loadWikitextSentences = Effect.fn("loadWikitextSentences")(
  function* (dataDir: string) {
    const path = `${dataDir}/${FILE}`;
    const text = yield* Effect.tryPromise({
      try: () => Deno.readTextFile(path),
      catch: () =>
        new DataError({ path, reason: "the WikiText file cannot be read" }),
    });
    return wikitextSentences(text);
  },
);
