import type { Tokenized, Tokenizer } from "./tokenized.ts";

/** What a loaded subword tokenizer gives, whichever library loaded it. */
export interface VocabSource {
  readonly vocab: ReadonlyMap<string, number>;
  readonly specialIds: ReadonlyArray<number>;
  readonly padId?: number;
  readonly maskId?: number;
  encode(text: string): ArrayLike<number>;
}

/** A tokenizer over a vocabulary; the id→token table is built once. */
export const vocabTokenizer = (
  name: string,
  source: VocabSource,
): Tokenizer => {
  let size = 0;
  for (const id of source.vocab.values()) size = Math.max(size, id + 1);
  const byId = new Array<string>(size);
  for (const [token, id] of source.vocab) byId[id] = token;
  const specialIds = new Set(source.specialIds);
  return {
    name,
    padId: source.padId,
    maskId: source.maskId,
    tokenize(text: string): Tokenized {
      const ids = Uint32Array.from(source.encode(text));
      const special = new Uint8Array(ids.length);
      const tokens = new Array<string>(ids.length);
      for (let i = 0; i < ids.length; i++) {
        tokens[i] = byId[ids[i]] ?? "";
        special[i] = specialIds.has(ids[i]) ? 1 : 0;
      }
      return { tokens, ids, special };
    },
  };
};
