/**
 * Hugging Face hub downloads into the Hugging Face cache, as the hub's own
 * clients make them: `hubFile` for one file's local path, `hubListFiles` for
 * a repo's files, over a `HubClient` configured from `HF_*` variables.
 *
 * @module
 */
export { hubFile, type HubFileOptions } from "./file.ts";
export { hubListFiles, type RepoListing } from "./list.ts";
export {
  type EnvGet,
  hubCacheDir,
  HubClient,
  HubClientFromEnv,
  hubClientLayer,
  type HubConfig,
  hubConfigFromEnv,
} from "./client.ts";
export {
  DEFAULT_REVISION,
  formatModelRef,
  type ModelRef,
  parseModelRef,
} from "./ref.ts";
export { repoFolderName } from "./cache.ts";
export {
  autoReporter,
  type BarOptions,
  barReporter,
  type ProgressReporter,
  type ProgressTask,
} from "./progress.ts";
export * from "./errors.ts";
