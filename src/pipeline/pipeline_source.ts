import { Effect } from "effect";
import { isAbsolute, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { BadConfig, UnknownPipeline } from "../errors.ts";
import { decodePipelineSpec } from "./registry.ts";
import type { PipelineSpec } from "./spec.ts";

/** A pipeline and where it was declared (its folder holds its artifacts). */
export interface SourcedPipeline {
  /** The pipeline declared. */
  readonly spec: PipelineSpec;
  /** The folder of the file it came from; undefined for the catalogue. */
  readonly dir?: string;
}

const FILE = /\.(json|ts|mts|js|mjs)$/;

/** Relative paths are the user's: against the folder `deno task` was run from. */
export const userPath = (path: string): string =>
  isAbsolute(path)
    ? path
    : resolve(Deno.env.get("INIT_CWD") ?? Deno.cwd(), path);

// `deno task pipelines --json` rows carry the pipeline under `declaration`.
const unwrap = (x: unknown): unknown =>
  typeof x === "object" && x !== null && "declaration" in x
    ? (x as { declaration: unknown }).declaration
    : x;

const readDeclarations = (path: string): Effect.Effect<unknown[], BadConfig> =>
  Effect.tryPromise({
    try: async () => {
      const value = path.endsWith(".json")
        ? JSON.parse(await Deno.readTextFile(path))
        : (await import(pathToFileURL(path).href)).default;
      if (value === undefined) {
        throw new Error("it has no default export (a pipeline or an array)");
      }
      return (Array.isArray(value) ? value : [value]).map(unwrap);
    },
    catch: (e) =>
      new BadConfig({
        subject: `pipeline file ${path}`,
        reason: e instanceof Error ? e.message : String(e),
      }),
  });

/**
 * The pipelines a `--pipeline`/`--pipelines` reference names: a catalogue
 * name, or a `.json` file / `.ts` module (default export: one pipeline or
 * an array) of the user's; `FILE#name` picks one of a file's pipelines.
 * Every declaration is schema-checked.
 */
export const resolvePipelines = (
  ref: string,
  catalogue: ReadonlyArray<PipelineSpec>,
): Effect.Effect<SourcedPipeline[], UnknownPipeline | BadConfig> =>
  Effect.gen(function* () {
    const [file, pick] = ref.split("#");
    if (!FILE.test(file)) {
      const spec = catalogue.find((p) => p.name === ref);
      if (!spec) {
        return yield* new UnknownPipeline({
          name: ref,
          known: catalogue.map((p) => p.name),
        });
      }
      return [{ spec: yield* decodePipelineSpec(spec) }];
    }
    const path = userPath(file);
    const raw = yield* readDeclarations(path);
    const specs = yield* Effect.forEach(raw, decodePipelineSpec);
    const dir = resolve(path, "..");
    const chosen = pick === undefined
      ? specs
      : specs.filter((s) => s.name === pick);
    if (chosen.length === 0) {
      return yield* new UnknownPipeline({
        name: pick ?? ref,
        known: specs.map((s) => s.name),
      });
    }
    return chosen.map((spec) => ({ spec, dir }));
  });

/** Exactly one pipeline from a reference (a file with several needs `#name`). */
export const resolvePipeline = (
  ref: string,
  catalogue: ReadonlyArray<PipelineSpec>,
): Effect.Effect<SourcedPipeline, UnknownPipeline | BadConfig> =>
  Effect.flatMap(
    resolvePipelines(ref, catalogue),
    (found) =>
      found.length === 1 ? Effect.succeed(found[0]) : Effect.fail(
        new BadConfig({
          subject: `--pipeline ${ref}`,
          reason: `it declares ${found.length} pipelines (${
            found.map((f) => f.spec.name).join(", ")
          }); pick one with ${ref}#NAME`,
        }),
      ),
  );
