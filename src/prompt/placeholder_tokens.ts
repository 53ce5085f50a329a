import { Effect, Exit } from "effect";
import { placeholderBatch } from "./prompt_batch.ts";
import { PST } from "./templates.ts";
import type { PromptSpec } from "./prompt_spec.ts";
import type { Tokenized, Tokenizer } from "../tokenize/tokenized.ts";

/**
 * One sentence's Token Prepending prompt as tokens: the plain prompt's
 * tokens with the placeholder id spliced in before the opening quote, and
 * its index. The splice is the one `placeholderBatch` makes (and checks);
 * its failure message is thrown as a RangeError.
 */
export const placeholderTokens = (
  tokenizer: Tokenizer,
  prompt: PromptSpec,
  sentence: string,
  placeholderId: number,
): Tokenized => {
  const exit = Effect.runSyncExit(
    placeholderBatch(tokenizer, prompt, [sentence], { placeholderId }),
  );
  if (Exit.isFailure(exit)) throw new RangeError(String(exit.cause));
  const { batch, positions } = exit.value;
  const ids = Uint32Array.from(batch.ids);
  const at = positions[0];
  const plain = tokenizer.tokenize("");
  const special = new Uint8Array(ids.length);
  // The tokenizer's leading specials (BOS) are the plain prompt's too.
  for (let i = 0; i < plain.ids.length && i < ids.length; i++) {
    special[i] = plain.special[i];
  }
  special[at] = 1;
  const tokens = Array.from(ids, (id, i) => i === at ? PST : String(id));
  return { tokens, ids, special, placeholder: at };
};
