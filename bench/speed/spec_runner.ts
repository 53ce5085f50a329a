import { Effect, Layer, ManagedRuntime } from "effect";
import type { BackendName } from "../../src/forward/backend.ts";
import { forwardLayer } from "../../src/forward/service.ts";
import { type Paths, pathsLayer } from "../../src/paths.ts";
import { loadPipeline } from "../../src/pipeline/load.ts";
import type { PipelineSpec } from "../../src/pipeline/spec.ts";
import type { Runner } from "./configs.ts";

/**
 * sentemb itself as a benchmark configuration: `spec` loaded once on the
 * given forward backend (with its options), fitted, embedding each call.
 */
export const specRunner = async (
  paths: Paths["Service"],
  spec: PipelineSpec,
  backend: BackendName,
  options: { readonly threads?: number } = {},
): Promise<Runner> => {
  const runtime = ManagedRuntime.make(Layer.mergeAll(
    pathsLayer(paths),
    forwardLayer(backend, options),
  ));
  const embedder = await runtime.runPromise(
    Effect.flatMap(loadPipeline(spec), (p) => p.fit(["a fitting sentence"])),
  );
  const embed = (texts: ReadonlyArray<string>) =>
    Effect.runPromise(embedder.embed(texts));
  return {
    run: async (texts) => void await embed(texts),
    vectors: async (texts) => (await embed(texts)).data,
    release: () => runtime.dispose(),
  };
};
