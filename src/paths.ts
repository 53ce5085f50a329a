import { Context, Effect, Layer } from "effect";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** What the {@link Paths} service provides. */
export interface PathsShape {
  /** Folder of model folders (`<id>/tokenizer.json`, `<id>/onnx/...`). */
  readonly models: string;
  /** Root of the evaluation data (`sts/`, `wikipedia/`, ...). */
  readonly data: string;
  /**
   * Second folder of model folders, searched after `models`: where
   * `deno task fixture` writes random-weight models shaped like real ones.
   */
  readonly fixtures: string;
  /** Folder of shipped statistics artifacts (`<hash>.semb`). */
  readonly artifacts: string;
  /**
   * Folders searched for artifacts before `artifacts`: where users keep
   * their own pipelines' artifacts (the folder of a pipeline file).
   */
  readonly artifactSearch?: ReadonlyArray<string>;
  /**
   * Kept for compatibility: hub ids (`org/name`) now download through
   * `src/models/resolve.ts` unless `HF_HUB_OFFLINE` is set, and only where
   * the process may reach the hub (`--allow-net`).
   */
  readonly allowRemote: boolean;
}

/** The service key base of {@link Paths}. */
export const PathsBase: Context.ServiceClass<
  Paths,
  "sentemb/Paths",
  PathsShape
> = Context.Service<Paths, PathsShape>()("sentemb/Paths");

/**
 * Where model assets and evaluation data live. A service, so tests and the
 * edge can point it elsewhere without touching the process environment.
 */
export class Paths extends PathsBase {}

const projectRoot = fileURLToPath(new URL("..", import.meta.url));

/** `../shared/<name>` beside the project, when that folder exists. */
const sharedDefault = (name: string): string => {
  const candidate = `${projectRoot}../shared/${name}`;
  return existsSync(candidate) ? candidate : `./${name}`;
};

/**
 * Reads `SENTEMB_MODELS`, `SENTEMB_DATA`, `SENTEMB_ARTIFACTS` (default: the
 * project's `artifacts/`), `SENTEMB_FIXTURES` (default `models/` under the
 * cache root: `SENTEMB_CACHE`, else the project's `.cache/`) and
 * `SENTEMB_ALLOW_REMOTE` (kept for compatibility; see `allowRemote`).
 */
export const pathsFromEnv = (): Paths["Service"] => ({
  models: Deno.env.get("SENTEMB_MODELS") ?? sharedDefault("models"),
  data: Deno.env.get("SENTEMB_DATA") ?? sharedDefault("data"),
  artifacts: Deno.env.get("SENTEMB_ARTIFACTS") ?? `${projectRoot}artifacts`,
  fixtures: Deno.env.get("SENTEMB_FIXTURES") ??
    `${Deno.env.get("SENTEMB_CACHE") ?? `${projectRoot}.cache`}/models`,
  allowRemote: Deno.env.get("SENTEMB_ALLOW_REMOTE") === "1",
});

/** The layer the CLI uses: the environment, with `../shared` as the default. */
export const PathsFromEnv: Layer.Layer<Paths> = Layer.effect(
  Paths,
  Effect.sync(pathsFromEnv),
);

/** A fixed layer, for tests and embedding the library elsewhere. */
export const pathsLayer = (paths: Paths["Service"]): Layer.Layer<Paths> =>
  Layer.succeed(Paths, paths);

/**
 * The folder of model `id` that holds `needed`: `id` itself when it is an
 * absolute path; else under `models` if it is there, else under `fixtures`
 * if it is there, else the `models` path (for error messages). Per file, because a shared folder may hold a model's
 * checkpoint while its ONNX export lives among the fixtures.
 */
export const modelFolder = (
  paths: Paths["Service"],
  id: string,
  needed = "config.json",
): string => {
  // A folder given by its path (a recipe applied to `--model ./folder`).
  if (id.startsWith("/")) return id;
  const primary = `${paths.models}/${id}`;
  if (existsSync(`${primary}/${needed}`)) return primary;
  const fixture = `${paths.fixtures}/${id}`;
  return existsSync(`${fixture}/${needed}`) ? fixture : primary;
};

/** Where an artifact is looked for, in order: the user's folders, then the shipped ones. */
export const artifactDirs = (
  paths: Paths["Service"],
): ReadonlyArray<string> => [
  ...(paths.artifactSearch ?? []),
  paths.artifacts,
];
