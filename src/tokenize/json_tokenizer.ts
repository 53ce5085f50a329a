import { Tokenizer as HfTokenizer } from "@huggingface/tokenizers";
import type { Tokenizer } from "./tokenized.ts";
import { vocabTokenizer } from "./vocab_tokenizer.ts";

/** tokenizer_config.json names a token as a string or an AddedToken object. */
const tokenName = (
  config: Record<string, unknown>,
  ...keys: string[]
): string | undefined => {
  for (const key of keys) {
    const item = config[key];
    if (typeof item === "string" && item !== "") return item;
    if (item && typeof item === "object" && "content" in item) {
      return String((item as { content: unknown }).content);
    }
  }
  return undefined;
};

/**
 * A model's tokenizer from the text of its `tokenizer.json` and
 * `tokenizer_config.json`, on Hugging Face's pure-JS tokenizers (the
 * library transformers.js wraps), so a browser runs it without the rest of
 * transformers.js. Pad falls back to the EOS token as transformers.js does;
 * a test holds its ids equal to the server's tokenizer.
 */
export const tokenizerFromJson = (
  name: string,
  tokenizerJson: unknown,
  tokenizerConfig: Record<string, unknown> = {},
): Tokenizer => {
  const hf = new HfTokenizer(tokenizerJson as object, tokenizerConfig);
  const idOf = (token: string | undefined) =>
    token === undefined ? undefined : hf.token_to_id(token);
  return vocabTokenizer(name, {
    vocab: hf.get_vocab(),
    specialIds: [...hf.get_added_tokens_decoder().values()]
      .filter((t) => t.special).map((t) => t.id),
    padId: idOf(tokenName(tokenizerConfig, "pad_token", "eos_token")),
    maskId: idOf(tokenName(tokenizerConfig, "mask_token")),
    encode: (text) => hf.encode(text).ids,
  });
};
