import { Effect } from "effect";
import { EmptyInput } from "../errors.ts";
import { padBatch, type PaddedBatch } from "../tokenize/pad_batch.ts";
import type { PromptSpec } from "./prompt_spec.ts";
import { PST, withPlaceholder } from "./templates.ts";
import { cleanSentence, wrapSentence } from "./wrap.ts";
import type { Tokenizer } from "../tokenize/tokenized.ts";
import { PlaceholderUnplaceable } from "./placeholder_unplaceable.ts";

/** A left-padded prompt batch for a Token-Prepending graph. */
export interface PlaceholderBatch {
  /** Left-padded ids and mask, with `tpMask` one-hot at each row's placeholder. */
  readonly batch: PaddedBatch & { readonly tpMask: Float32Array };
  /** Per row, the padded index of the `<PST>` token. */
  readonly positions: Int32Array;
}

/** Where a prompt's placeholder token goes. */
export interface PlaceholderOptions {
  /**
   * The id the `<PST>` position carries. Its input embedding barely matters
   * (METHODS §4), and from layer `start` on its row is overwritten anyway:
   * any fixed id the model never sees in text does (`<unk>`, for instance).
   */
  readonly placeholderId: number;
  /** Padding id (masked out); default the tokenizer's, else 0. */
  readonly padId?: number;
}

/**
 * The template without its placeholder and where the placeholder was: the
 * given `<PST>`, or right before the quote that opens `[X]`.
 */
const splitTemplate = (
  template: string,
): { plain: string; at: number } | string => {
  let marked: string;
  try {
    marked = template.includes(PST) ? template : withPlaceholder(template);
  } catch (e) {
    return (e as Error).message;
  }
  const at = marked.indexOf(PST);
  if (marked.indexOf(PST, at + 1) >= 0) return `more than one ${PST}`;
  const rest = marked.slice(at + PST.length);
  return {
    plain: marked.slice(0, at) + (rest.startsWith(" ") ? rest.slice(1) : rest),
    at,
  };
};

/** Ids without the special tokens a tokenizer appends (`[SEP]`, `</s>`). */
const withoutTrailingSpecials = (t: ReturnType<Tokenizer["tokenize"]>) => {
  let end = t.ids.length;
  while (end > 1 && t.special[end - 1] === 1) end--;
  return t.ids.subarray(0, end);
};

/**
 * Builds the decoder batch of a Token-Prepending prompt: each sentence is
 * cleaned and wrapped as the plain prompt (`prompt`'s template, with or
 * without a `<PST>` mark; without one it goes right before the quote that
 * opens `[X]`), tokenized whole, and the placeholder id is spliced in where
 * the tokens of the text before the placeholder end — so removing it gives
 * exactly the plain prompt's tokens. That text must end on a token boundary
 * of the whole prompt (it does for ` "` after a word or `:` in BPE,
 * SentencePiece and WordPiece vocabularies); when it does not, the error
 * says so instead of guessing. Rows are left-padded (every row's last token
 * at the end, where the graph reads the row that overwrites `<PST>`).
 */
export const placeholderBatch = (
  tokenizer: Tokenizer,
  prompt: PromptSpec,
  sentences: ReadonlyArray<string>,
  options: PlaceholderOptions,
): Effect.Effect<PlaceholderBatch, PlaceholderUnplaceable | EmptyInput> =>
  Effect.suspend((): Effect.Effect<
    PlaceholderBatch,
    PlaceholderUnplaceable | EmptyInput
  > => {
    if (sentences.length === 0) {
      return Effect.fail(new EmptyInput({ reason: "no sentences to embed" }));
    }
    const split = splitTemplate(prompt.template);
    const unplaceable = (reason: string) =>
      Effect.fail(
        new PlaceholderUnplaceable({ template: prompt.template, reason }),
      );
    if (typeof split === "string") return unplaceable(split);
    const plain = { ...prompt, template: split.plain };
    const slot = split.plain.indexOf("[X]");
    const prefixes = new Map<string, Uint32Array>();
    const rows: Uint32Array[] = [];
    const splits: number[] = [];
    for (const sentence of sentences) {
      const text = wrapSentence(sentence, plain);
      const filled = split.plain.length - 3 +
        cleanSentence(sentence, prompt).length;
      const offset = split.at <= slot
        ? split.at
        : split.at + filled - split.plain.length;
      const before = text.slice(0, text.length - filled + offset).trimEnd();
      let head = prefixes.get(before);
      if (head === undefined) {
        head = withoutTrailingSpecials(tokenizer.tokenize(before));
        prefixes.set(before, head);
      }
      const ids = tokenizer.tokenize(text).ids;
      const k = head.length;
      if (ids.length < k || head.some((id, i) => ids[i] !== id)) {
        return unplaceable(
          `the text before it, ${
            JSON.stringify(before)
          }, does not end on a token boundary of ${JSON.stringify(text)}`,
        );
      }
      const row = new Uint32Array(ids.length + 1);
      row.set(ids.subarray(0, k));
      row[k] = options.placeholderId;
      row.set(ids.subarray(k), k + 1);
      rows.push(row);
      splits.push(k);
    }
    const b = padBatch(rows, options.padId ?? tokenizer.padId ?? 0, "left");
    const positions = Int32Array.from(
      rows,
      (row, r) => b.seq - row.length + splits[r],
    );
    const tpMask = new Float32Array(b.batch * b.seq);
    positions.forEach((p, r) => tpMask[r * b.seq + p] = 1);
    return Effect.succeed({ batch: { ...b, tpMask }, positions });
  });
