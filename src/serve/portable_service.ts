import { Effect } from "effect";
import { ArtifactError } from "../artifact/artifact_error.ts";
import { assemblePipeline } from "../pipeline/assemble.ts";
import { clientResources } from "../pipeline/client_resources.ts";
import { planOf } from "../pipeline/plan.ts";
import { portabilityOf } from "../pipeline/portable.ts";
import type { PipelineSpec } from "../pipeline/spec.ts";
import type {
  Availability,
  EmbeddingServiceShape,
} from "./embedding_service.ts";
import { DEFAULT_SERVE_CONFIG, type ServeConfig } from "./serve_config.ts";
import { servable, serviceCore } from "./service_core.ts";
import {
  NotPortable,
  RuntimeUnsupported,
  UnknownAsset,
} from "./serve_errors.ts";

/** What a runtime without a filesystem is given to serve pipelines. */
export interface PortableHost {
  /** The runtime's name, as errors say it (`workerd`). */
  readonly runtime: string;
  /** Artifact bytes by hash: whatever was bundled or fetched. */
  readonly artifacts: ReadonlyMap<string, Uint8Array>;
  /** Why a transformer pipeline does not run here (measured sizes and all). */
  readonly transformers: (spec: PipelineSpec) => string;
}

/**
 * Why a pipeline cannot run on a portable host, or undefined when it can:
 * it must be static, portable (word tokens, random vectors, an artifact)
 * and its artifact must be among the host's.
 */
export const portableProblem = (
  spec: PipelineSpec,
  host: PortableHost,
): string | undefined => {
  if (planOf(spec).vectors._tag === "transformer") {
    return host.transformers(spec);
  }
  const problem = portabilityOf(spec);
  if (problem) return problem;
  if (spec.artifact && !host.artifacts.has(spec.artifact)) {
    return `its artifact ${spec.artifact} was not bundled`;
  }
  return undefined;
};

/**
 * The embedding service with no filesystem: static pipelines assembled
 * from bundled artifacts through the same client resources the page uses,
 * behind the same limits, queues and deadlines as the server
 * ({@link serviceCore}). Pipelines this host cannot run answer
 * {@link RuntimeUnsupported} (503) and are listed as unavailable.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Effect } from "effect";
 * import { pipeline } from "../pipeline/builder.ts";
 * import { meanPool, randomVectors, wordTokens } from "../stages/mod.ts";
 * import { makePortableService } from "./portable_service.ts";
 *
 * const words = pipeline("words-8", wordTokens(), randomVectors(8, 1), meanPool());
 * const service = makePortableService([words], {
 *   runtime: "here",
 *   artifacts: new Map(),
 *   transformers: () => "no model runtime",
 * });
 * const out = await Effect.runPromise(service.embed("words-8", ["A cat."]));
 * assert.equal(out.vectors.dim, 8);
 * ```
 */
export const makePortableService = (
  registry: ReadonlyArray<PipelineSpec>,
  host: PortableHost,
  config: ServeConfig = DEFAULT_SERVE_CONFIG,
): EmbeddingServiceShape => {
  const problems = new Map<string, string>();
  for (const spec of registry) {
    // Transductive ones are refused as on the server (400, not servable).
    if (!servable(spec)) continue;
    const problem = portableProblem(spec, host);
    if (problem) problems.set(spec.name, problem);
  }
  const runnable = registry.filter((spec) =>
    servable(spec) && !problems.has(spec.name)
  );
  const core = serviceCore(registry, config, {
    load: (spec) =>
      Effect.flatMap(
        assemblePipeline(
          spec,
          clientResources(spec.name, {
            ...(spec.artifact && host.artifacts.has(spec.artifact)
              ? { artifact: host.artifacts.get(spec.artifact)! }
              : {}),
          }),
        ),
        (loaded) => loaded.fit(["-"]),
      ),
    clients: () => {
      const notHere = (name: string) =>
        Effect.fail(
          new NotPortable({
            model: name,
            reason: problems.get(name) ??
              "it is a static pipeline: its spec and artifact are all it needs",
          }),
        );
      return {
        portable: runnable,
        modelBytes: new Map(runnable.map((spec) => [spec.name, 0])),
        describe: notHere,
        file: notHere,
      };
    },
    ortAsset: (name) => Effect.fail(new UnknownAsset({ name })),
    artifact: (hash) => {
      const bytes = host.artifacts.get(hash);
      return bytes ? Effect.succeed(bytes) : Effect.fail(
        new ArtifactError({ artifact: hash, reason: "was not bundled" }),
      );
    },
  });
  const unsupported = (model: string) => {
    const reason = problems.get(model);
    return reason === undefined
      ? undefined
      : new RuntimeUnsupported({ model, runtime: host.runtime, reason });
  };
  return {
    ...core,
    embed: (model, texts, options) => {
      const failure = unsupported(model);
      return failure ? Effect.fail(failure) : core.embed(model, texts, options);
    },
    availability: (id): Availability =>
      problems.has(id)
        ? {
          availability: "unavailable",
          dimensions: null,
          reason: "RuntimeUnsupported",
        }
        : core.availability(id),
    warm: Effect.forEach(
      runnable,
      (spec) => Effect.exit(core.embed(spec.name, ["warm"])),
      { discard: true },
    ),
  };
};
