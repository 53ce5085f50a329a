import { Effect } from "effect";
import { DataError } from "../errors.ts";

const FOLDER = "wikipedia/enwiki-2015-wikiextractor";

// Sentence ends: . ! ? followed by space and a capital, digit or quote. Good
// enough for encyclopedic prose; abbreviations ("U.S. Army") cost a few
// wrong splits, which only nudge corpus counts.
const SENTENCE_END = /(?<=[.!?])\s+(?=["'(\p{Lu}\p{N}])/u;

/**
 * Splits WikiExtractor "document format" text into sentences: drops the
 * `<doc …>` / `</doc>` tag lines and each article's title line, then splits
 * paragraphs at sentence ends. Pure, so it is tested on a hand-made page.
 */
export const wikiSentences = (text: string): string[] => {
  const out: string[] = [];
  let afterDocTag = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.startsWith("<doc ")) {
      afterDocTag = true;
      continue;
    }
    if (line === "</doc>" || line === "") continue;
    if (afterDocTag) {
      afterDocTag = false;
      continue;
    }
    out.push(...splitSentences(line));
  }
  return out;
};

/**
 * Splits a paragraph at sentence ends, keeping sentences of four words or
 * more: section headings ("History.") and list stubs carry little text.
 */
export const splitSentences = (paragraph: string): string[] =>
  paragraph.split(SENTENCE_END).map((s) => s.trim()).filter((s) =>
    s.split(" ").length >= 4
  );

/**
 * The general-English corpus: sentences of the staged Wikipedia articles, in
 * file order, at most `limit` of them.
 */
export const loadWikipediaSentences = Effect.fn("loadWikipediaSentences")(
  function* (dataDir: string, limit: number) {
    const folder = `${dataDir}/${FOLDER}`;
    const names = yield* Effect.tryPromise({
      try: async () => {
        const found: string[] = [];
        for await (const e of Deno.readDir(folder)) {
          if (e.isFile && e.name.startsWith("wiki_")) found.push(e.name);
        }
        return found.sort();
      },
      catch: () =>
        new DataError({
          path: folder,
          reason: "the Wikipedia corpus folder cannot be read",
        }),
    });
    if (names.length === 0) {
      return yield* new DataError({
        path: folder,
        reason: "no wiki_NN files were found",
      });
    }
    const sentences: string[] = [];
    for (const name of names) {
      if (sentences.length >= limit) break;
      const text = yield* Effect.tryPromise({
        try: () => Deno.readTextFile(`${folder}/${name}`),
        catch: () =>
          new DataError({ path: `${folder}/${name}`, reason: "unreadable" }),
      });
      for (const s of wikiSentences(text)) {
        if (sentences.length >= limit) break;
        sentences.push(s);
      }
    }
    return sentences;
  },
);
