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
 */
export const loadPipeline = (
  spec: PipelineSpec,
  options: LoadOptions = {},
): Effect.Effect<LoadedPipeline, LoadError, Services> =>
  Effect.flatMap(
    serverResources,
    (resources) => assemblePipeline(spec, resources, options),
  );
