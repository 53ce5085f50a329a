import { Effect } from "effect";
import type { Embeddings } from "../embeddings.ts";
import { assemblePipeline } from "./assemble.ts";
import { type ClientParts, clientResources } from "./client_resources.ts";
import { portabilityProblem } from "./describe.ts";
import type { EmbedError } from "./embedder.ts";
import { compilePlan } from "./plan.ts";
import type { PipelineSpec } from "./spec.ts";

/** Why a pipeline cannot run on a client; undefined when it can. */
export const portabilityOf = (spec: PipelineSpec): string | undefined => {
  const plan = Effect.runSync(Effect.result(compilePlan(spec)));
  return plan._tag === "Failure"
    ? plan.failure.message
    : portabilityProblem(plan.success);
};

/** Embeds sentences on a client as the server does. */
export type PortableEmbed = (
  texts: ReadonlyArray<string>,
) => Effect.Effect<Embeddings, EmbedError>;

/**
 * A pipeline off the server: the one assembly over what the client
 * fetched (artifact, tokenizer, graph session). A test holds its vectors
 * to the server's.
 */
export const portablePipeline = (
  spec: PipelineSpec,
  parts: ClientParts,
): Effect.Effect<PortableEmbed, Error> =>
  Effect.gen(function* () {
    const problem = portabilityOf(spec);
    if (problem) {
      return yield* Effect.fail(
        new Error(`pipeline "${spec.name}" cannot run portably: ${problem}`),
      );
    }
    const loaded = yield* assemblePipeline(
      spec,
      clientResources(spec.name, parts),
    );
    const embedder = yield* loaded.fit([]);
    return (texts: ReadonlyArray<string>) => embedder.embed(texts);
  });

/**
 * A static pipeline as a plain synchronous function, from its declaration
 * and its artifact's bytes: no filesystem or network, so the same code
 * embeds in a browser or a worker. Throws when the pipeline needs more.
 */
export const portableEmbedder = (
  spec: PipelineSpec,
  artifact?: Uint8Array,
): (texts: ReadonlyArray<string>) => Embeddings => {
  const embed = Effect.runSync(
    portablePipeline(spec, artifact ? { artifact } : {}),
  );
  return (texts) => Effect.runSync(embed(texts));
};
