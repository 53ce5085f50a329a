import { Context, Effect } from "effect";
import { readStatisticsArtifact } from "../artifact/artifact_store.ts";
import { loadGeneralCorpus } from "../corpus/general_corpus.ts";
import { BadConfig } from "../errors.ts";
import { exportLlama2c } from "../llama2c/export_onnx.ts";
import { artifactDirs, Paths } from "../paths.ts";
import { resolveModelFiles } from "../models/resolve.ts";
import type { Services } from "../services.ts";
import type { PipelineResources } from "../stages/resources.ts";
import { readStModules } from "../stages/st_module_files.ts";
import { STATIC_LOADERS, TOKENIZER_LOADERS } from "./server_loaders.ts";
import { loadTransformerStage } from "../forward/load_transformer_stage.ts";

// Several pipelines loaded in one process (an eval grid, the server) share
// the corpus text instead of re-reading it.
const corpusCache = new Map<string, string[]>();

// A loader table looked up by a declaration's tag (checked by the plan).
const loaderFor = <A>(
  table: Readonly<Record<string, (d: never) => A>>,
  d: { readonly _tag: string },
): ((d: unknown) => A) | undefined =>
  Object.hasOwn(table, d._tag)
    ? table[d._tag] as unknown as (d: unknown) => A
    : undefined;

const notA = (tag: string, what: string) =>
  new BadConfig({ subject: `stage "${tag}"`, reason: `is not ${what}` });

/**
 * The resources of a pipeline on the server: files through `Paths`, models
 * through the `Forward` service, the corpus from the data folder and
 * artifacts from the artifacts folder.
 */
export const serverResources: Effect.Effect<
  PipelineResources,
  never,
  Services
> = Effect.gen(function* () {
  const context = yield* Effect.context<Services>();
  const paths = Context.get(context, Paths);
  const run = <A, E>(e: Effect.Effect<A, E, Services>) =>
    Effect.provideContext(e, context);
  return {
    tokenizer: (d) => {
      const load = loaderFor(TOKENIZER_LOADERS, d);
      return load ? run(load(d)) : Effect.fail(notA(d._tag, "a tokenizer"));
    },
    staticVectors: (d) => {
      const load = loaderFor(STATIC_LOADERS, d);
      return load
        ? run(load(d))
        : Effect.fail(notA(d._tag, "a static encoder"));
    },
    transformer: (d, tokenizer, options) =>
      run(loadTransformerStage(d, tokenizer, options)),
    exportedFolder: (d) =>
      d._tag !== "llama2cTokenizer" ? Effect.succeed(undefined) : run(
        Effect.map(
          exportLlama2c(paths, d.model!, {
            checkpoint: `${d.model}.bin`,
            tokenizer: d.tokenizer!,
          }),
          (exported) => exported.dir,
        ),
      ),
    stModules: (model) =>
      run(
        Effect.flatMap(
          resolveModelFiles(model, {
            needed: ["modules.json"],
            stModules: true,
          }),
          (folder) => readStModules(model, folder),
        ),
      ),
    corpus: (limit) =>
      Effect.gen(function* () {
        const key = `${paths.data}|${limit}`;
        const sentences = corpusCache.get(key) ??
          (yield* loadGeneralCorpus(paths.data, limit));
        corpusCache.set(key, sentences);
        return { label: `wikipedia+wikitext:${sentences.length}`, sentences };
      }),
    artifact: (hash, fittedFor) =>
      readStatisticsArtifact(artifactDirs(paths), hash, fittedFor),
  } satisfies PipelineResources;
});
