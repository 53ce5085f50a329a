import { Effect } from "effect";
import { EmptyInput } from "../errors.ts";

/**
 * The input stage: a non-empty list of sentences with at least one
 * non-blank character each. A blank sentence has no meaning to embed, so
 * it is refused rather than given an arbitrary vector.
 */
export const validateInput = (
  texts: ReadonlyArray<string>,
): Effect.Effect<ReadonlyArray<string>, EmptyInput> => {
  if (texts.length === 0) {
    return Effect.fail(
      new EmptyInput({ reason: "the sentence list is empty" }),
    );
  }
  for (let i = 0; i < texts.length; i++) {
    if (typeof texts[i] !== "string" || texts[i].trim() === "") {
      return Effect.fail(
        new EmptyInput({ reason: `sentence ${i} is blank` }),
      );
    }
  }
  return Effect.succeed(texts);
};
