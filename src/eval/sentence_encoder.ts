import type { Effect } from "effect";
import type { Embeddings } from "../embeddings.ts";
import type { EmbedError } from "../pipeline/embedder.ts";
import type { LoadError } from "../stages/resources.ts";

/**
 * What an evaluation suite needs from a pipeline: fit its statistics on a
 * task's sentences (a no-op unless it is transductive), then embed lists of
 * sentences. A `LoadedPipeline` is one.
 */
export interface SentenceEncoder {
  /** The pipeline's content hash (keys the result cache). */
  readonly hash: string;
  /** Fits on a task's sentences; the fitted encoder embeds. */
  fit(texts: ReadonlyArray<string>): Effect.Effect<
    {
      embed(
        texts: ReadonlyArray<string>,
      ): Effect.Effect<Embeddings, EmbedError>;
    },
    EmbedError | LoadError
  >;
}
