import { Effect } from "effect";
import { type AssembleOptions, assemblePipeline } from "./assemble.ts";
import { serverResources } from "./server_resources.ts";
import type { PipelineSpec } from "./spec.ts";
import type { LoadedPipeline } from "./embedder.ts";
import type { LoadError } from "../stages/resources.ts";
import type { Services } from "../services.ts";

export type {
  Embedder,
  EmbedError,
  EmbedOptions,
  LoadedPipeline,
} from "./embedder.ts";
export { withoutArtifact } from "./hash.ts";

/** Options of {@link loadPipeline}. */
export type LoadOptions = AssembleOptions;

/**
 * Loads a pipeline on this host: the one assembly over the server's
 * resources (files through `Paths`, models through `Forward`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Effect } from "effect";
 * import {
 *   loadPipeline, meanPool, pipeline, randomVectors, ServicesFromEnv,
 *   wordTokens,
 * } from "../../mod.ts";
 *
 * const spec = pipeline("words-64", wordTokens(), randomVectors(64, 3), meanPool());
 * const vectors = await Effect.runPromise(
 *   Effect.gen(function* () {
 *     const loaded = yield* loadPipeline(spec);
 *     const embedder = yield* loaded.fit([]); // nothing to fit
 *     return yield* embedder.embed(["A cat.", "A cat.", "Two dogs."]);
 *   }).pipe(Effect.provide(ServicesFromEnv)),
 * );
 * assert.equal(vectors.dim, 64);
 * // The same sentence gives the same vector, whatever it is batched with.
 * assert.deepEqual(vectors.data.subarray(0, 64), vectors.data.subarray(64, 128));
 * ```
 */
export const loadPipeline = (
  spec: PipelineSpec,
  options: LoadOptions = {},
): Effect.Effect<LoadedPipeline, LoadError, Services> =>
  Effect.flatMap(
    serverResources,
    (resources) => assemblePipeline(spec, resources, options),
  );
