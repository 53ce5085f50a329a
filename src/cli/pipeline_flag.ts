import { Effect } from "effect";
import { PIPELINES } from "../../pipelines/mod.ts";
import { Paths } from "../paths.ts";
import {
  resolvePipeline,
  resolvePipelines,
  type SourcedPipeline,
} from "../pipeline/pipeline_source.ts";

/** The `--pipeline` reference: a catalogue name, or the user's file. */
export const pipelineFlag = (ref: string) => resolvePipeline(ref, PIPELINES);

/** Several references (`--pipelines a.ts,b.json`), files expanded. */
export const pipelinesFlag = (refs: string) =>
  Effect.map(
    Effect.forEach(
      refs.split(",").filter((r) => r !== ""),
      (r) => resolvePipelines(r, PIPELINES),
    ),
    (lists) => lists.flat(),
  );

/**
 * Runs `effect` with artifacts also looked for in the folders the
 * pipelines were declared in (the user's, before the shipped ones).
 */
export const withArtifactsBeside = (
  sourced: ReadonlyArray<SourcedPipeline>,
) =>
<A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function* () {
    const paths = yield* Paths;
    const dirs = [
      ...new Set(sourced.flatMap((s) => (s.dir ? [s.dir] : []))),
    ];
    return yield* Effect.provideService(effect, Paths, {
      ...paths,
      artifactSearch: [...dirs, ...(paths.artifactSearch ?? [])],
    });
  });
