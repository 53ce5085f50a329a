import { UNK_ID } from "./special_ids.ts";

/**
 * The id llama2.c models give Token Prepending's `<PST>` placeholder:
 * `<unk>` (0). Their vocabularies have no `<PST>` piece (tok512 would spell
 * it as five pieces `<`, `P`, `S`, `T`, `>`), and `<unk>` is a single token
 * the encoder never produces from text, so it stands out as one position.
 * Its input embedding barely matters (METHODS §4): from layer `start` on its
 * row is overwritten with the last token's.
 */
export const PLACEHOLDER_ID = UNK_ID;
