import { Effect } from "effect";
import { fitTokenStats, type TokenStats } from "../aggregate/token_stats.ts";
import { readStatisticsArtifact } from "../artifact/artifact_store.ts";
import type {
  FittedStatistics,
  TokenTable,
} from "../artifact/fitted_statistics.ts";
import {
  fitContextualAverage,
  tableEncoder,
} from "../static/contextual_average.ts";
import { loadGeneralCorpus } from "../corpus/general_corpus.ts";
import type { Embeddings } from "../embeddings.ts";
import { BadConfig, type EmptyInput } from "../errors.ts";
import type { ForwardFailed } from "../forward/errors.ts";
import { exportLlama2c } from "../llama2c/export_onnx.ts";
import { loadLlama2c } from "../llama2c/load.ts";
import { loadInputEmbeddings } from "../static/input_embeddings.ts";
import { modelFolder, Paths } from "../paths.ts";
import {
  applyChain,
  fitChain,
  type FittedStep,
  outputDim,
} from "../postprocess/mod.ts";
import { randomEncoder } from "../static/random_encoder.ts";
import type { StaticEncoder } from "../static/static_encoder.ts";
import { loadWordVectors } from "../static/word_vectors.ts";
import { loadPretrainedTokenizer } from "../tokenize/pretrained_tokenizer.ts";
import type { Tokenized, Tokenizer } from "../tokenize/tokenized.ts";
import { truncateTokens } from "../tokenize/truncate.ts";
import { wordTokenizer } from "../tokenize/word_tokenizer.ts";
import { aggregate } from "./aggregate_stage.ts";
import { contextualAggregator } from "./contextual_aggregator.ts";
import { loadStModules } from "./st_modules.ts";
import {
  type LoadedTransformer,
  loadTransformerStage,
} from "./load_transformer_stage.ts";
import { activeTokenPrepending, sentenceTokenizer } from "./sentence_tokens.ts";
import { makeAggregator } from "./aggregator.ts";
import { averagedEncoder, needsCorpus, statisticsOf } from "./describe.ts";
import { mixUnit } from "./static_mix.ts";
import { pipelineHash } from "./hash.ts";
import {
  DEFAULT_CORPUS_SENTENCES,
  type FitSource,
  type PipelineSpec,
} from "./spec.ts";
import { validateInput } from "./validate_input.ts";

/** A pipeline ready to embed: every statistic fitted, every resource loaded. */
export interface Embedder {
  readonly spec: PipelineSpec;
  readonly hash: string;
  readonly dim: number;
  /**
   * Embeds a validated batch; fails only on empty input. With `maxTokens`,
   * longer sentences are truncated to their first tokens.
   */
  embed(
    texts: ReadonlyArray<string>,
    options?: EmbedOptions,
  ): Effect.Effect<Embeddings, EmbedError>;
  /** Tokens per sentence as this pipeline's tokenizer counts them (usage, limits). */
  countTokens(texts: ReadonlyArray<string>): Int32Array;
  /** A transformer pipeline's model, as it is handed to clients. */
  readonly transformer?: LoadedTransformer;
}

/** Embedding fails on empty input, or when a transformer run fails. */
export type EmbedError = EmptyInput | ForwardFailed | BadConfig;

export interface EmbedOptions {
  readonly maxTokens?: number;
}

/**
 * A pipeline with its resources loaded and corpus statistics fitted. For a
 * transductive pipeline, `fit` takes the sentences whose statistics it may
 * use (in evaluation a task's sentences; in `embed` the input itself).
 */
export interface LoadedPipeline {
  readonly spec: PipelineSpec;
  readonly hash: string;
  fit(
    input: ReadonlyArray<string>,
  ): Effect.Effect<Embedder, EmbedError>;
  /**
   * What was fitted on the corpus at load (not read from an artifact), for
   * `deno task fit` to ship; undefined when nothing was.
   */
  corpusStatistics():
    | { readonly corpus: string; readonly fitted: FittedStatistics }
    | undefined;
}

const loadTokenizer = (spec: PipelineSpec) =>
  spec.tokenizer._tag === "words"
    ? Effect.succeed<Tokenizer>(wordTokenizer(spec.tokenizer))
    : spec.tokenizer._tag === "llama2c"
    ? loadLlama2c(spec.tokenizer.model, {
      checkpoint: `${spec.tokenizer.model}.bin`,
      tokenizer: spec.tokenizer.tokenizer,
    }).pipe(Effect.map((m): Tokenizer => m.tokenizer))
    : loadPretrainedTokenizer(spec.tokenizer.model);

/** A llama2.c checkpoint's ONNX export (made once), as the stage's folder. */
const exportedFolder = (spec: PipelineSpec) =>
  Effect.gen(function* () {
    if (spec.tokenizer._tag !== "llama2c") return undefined;
    const paths = yield* Paths;
    const exported = yield* exportLlama2c(paths, spec.tokenizer.model, {
      checkpoint: `${spec.tokenizer.model}.bin`,
      tokenizer: spec.tokenizer.tokenizer,
    });
    return exported.dir;
  });

const staticEncoder = (
  encoder: PipelineSpec["encoder"],
  table: TokenTable | undefined,
) =>
  encoder._tag === "random"
    ? Effect.succeed<StaticEncoder>(randomEncoder(encoder))
    : encoder._tag === "wordVectors"
    ? loadWordVectors(encoder.file)
    : encoder._tag === "inputEmbeddings"
    ? loadInputEmbeddings(encoder.model, encoder.file)
    : encoder._tag === "contextualAverage" && table
    ? Effect.succeed(tableEncoder(`Avg. ${encoder.model}`, table))
    : Effect.fail(
      new BadConfig({
        subject: `encoder "${encoder._tag}"`,
        reason: "is not a static encoder here",
      }),
    );

const STATIC_POOLINGS = new Set(["mean", "max"]);

/** Checks what the schema alone cannot: combinations that make no sense. */
const checkSpec = (spec: PipelineSpec): BadConfig | undefined => {
  const fail = (reason: string) =>
    new BadConfig({ subject: `pipeline "${spec.name}"`, reason });
  const transformer = spec.encoder._tag === "transformer";
  if (!transformer && !STATIC_POOLINGS.has(spec.pooling)) {
    return fail(`pooling "${spec.pooling}" needs a transformer encoder`);
  }
  if (transformer && spec.tokenizer._tag === "words") {
    return fail("a transformer needs its own (pretrained) tokenizer");
  }
  const needsIds = (e: PipelineSpec["encoder"]) =>
    e._tag === "inputEmbeddings" || e._tag === "contextualAverage";
  if (
    (needsIds(spec.encoder) ||
      (spec.staticMix && needsIds(spec.staticMix.encoder))) &&
    spec.tokenizer._tag !== "pretrained"
  ) {
    return fail("a model's token table needs the model's own tokenizer");
  }
  if (
    spec.staticMix &&
    (!transformer || spec.staticMix.encoder._tag === "transformer")
  ) {
    return fail("staticMix mixes a transformer with a static encoder");
  }
  if (spec.sentenceTransformers && !transformer) {
    return fail("sentence-transformers modules need a transformer encoder");
  }
  if (spec.tokenPrepending && (!transformer || !spec.prompt)) {
    return fail("Token Prepending needs a decoder transformer and a prompt");
  }
  if (
    spec.tokenizer._tag === "llama2c" &&
    (!transformer || spec.encoder.model !== spec.tokenizer.model)
  ) {
    return fail(
      "a llama2.c tokenizer goes with its own checkpoint's transformer",
    );
  }
  if (spec.pooling === "mask" && !spec.prompt?.template.includes("[MASK]")) {
    return fail('pooling "mask" needs a prompt template with [MASK]');
  }
  return undefined;
};

// Several pipelines loaded in one process (an eval grid, the edge) share the
// corpus text instead of re-reading it.
const corpusCache = new Map<string, string[]>();

/** Options of {@link loadPipeline}. */
export interface LoadOptions {
  /**
   * Fit corpus statistics on these sentences instead of the shipped artifact
   * or the default corpus (`deno task fit --corpus FILE`).
   */
  readonly corpus?: {
    readonly label: string;
    readonly sentences: ReadonlyArray<string>;
  };
}

/** The spec an artifact is fitted for: the pipeline without its artifact. */
export const withoutArtifact = (spec: PipelineSpec): PipelineSpec => {
  const { artifact: _artifact, ...rest } = spec;
  return rest;
};

const loadCorpus = Effect.fn("loadCorpus")(function* (spec: PipelineSpec) {
  const paths = yield* Paths;
  const limit = spec.corpusSentences ?? DEFAULT_CORPUS_SENTENCES;
  const key = `${paths.data}|${limit}`;
  const sentences = corpusCache.get(key) ??
    (yield* loadGeneralCorpus(paths.data, limit));
  corpusCache.set(key, sentences);
  return { label: `wikipedia+wikitext:${sentences.length}`, sentences };
});

/** The tokenize → aggregate → post-process composition of a static pipeline. */
export const loadPipeline = Effect.fn("loadPipeline")(
  function* (spec: PipelineSpec, options: LoadOptions = {}) {
    const paths = yield* Paths;
    const invalid = checkSpec(spec);
    if (invalid) return yield* invalid;
    const tokenizer = yield* loadTokenizer(spec);
    const tp = activeTokenPrepending(spec);
    const loaded = spec.encoder._tag === "transformer"
      ? yield* loadTransformerStage(spec.encoder, tokenizer, {
        folder: yield* exportedFolder(spec),
        ...(tp ? { tokenPrepending: tp } : {}),
      })
      : undefined;
    const stage = loaded?.stage;
    const st = spec.sentenceTransformers && spec.encoder._tag === "transformer"
      ? yield* loadStModules(
        spec,
        spec.encoder.model,
        modelFolder(paths, spec.encoder.model, "modules.json"),
      )
      : undefined;
    const hash = pipelineHash(spec);
    const tokenizeOne = sentenceTokenizer(spec, tokenizer, stage?.maxTokens);
    const tokenize = (texts: ReadonlyArray<string>): Tokenized[] =>
      texts.map(tokenizeOne);
    const transductive = statisticsOf(spec) === "transductive";

    let corpus: Tokenized[] = [];
    let corpusLabel: string | undefined;
    let corpusStats: TokenStats | undefined;
    let shippedChain: ReadonlyArray<FittedStep> | undefined;
    let shippedTable: TokenTable | undefined;
    let fittedTable: TokenTable | undefined;
    let corpusSentences: ReadonlyArray<string> = [];
    if (needsCorpus(spec) && spec.artifact && !options.corpus) {
      const shipped = yield* readStatisticsArtifact(
        paths.artifacts,
        spec.artifact,
        pipelineHash(withoutArtifact(spec)),
      );
      corpusStats = shipped.stats;
      shippedChain = shipped.postprocess;
      shippedTable = shipped.table;
    } else if (needsCorpus(spec)) {
      const source = options.corpus ?? (yield* loadCorpus(spec));
      corpusLabel = source.label;
      corpusSentences = source.sentences;
      corpus = tokenize(source.sentences);
      corpusStats = fitTokenStats(corpus);
    }
    let corpusChain: ReadonlyArray<FittedStep> | undefined;

    // "Avg." tables: shipped, or averaged over the corpus now.
    const averaged = averagedEncoder(spec);
    let table = shippedTable;
    if (averaged && !table) {
      const { stage: avgStage } = yield* loadTransformerStage(
        {
          _tag: "transformer",
          model: averaged.model,
          layers: averaged.layers,
          ...(averaged.file ? { file: averaged.file } : {}),
        },
        tokenizer,
      );
      // Raw sentences (no prompt), cut to what the model takes.
      table = yield* fitContextualAverage(
        avgStage,
        corpusSentences.map((t) =>
          truncateTokens(tokenizer.tokenize(t), avgStage.maxTokens)
        ),
      );
      fittedTable = table;
    }
    const encoder = stage
      ? undefined
      : yield* staticEncoder(spec.encoder, table);
    const mixEncoder = spec.staticMix
      ? yield* staticEncoder(spec.staticMix.encoder, table)
      : undefined;

    const build = Effect.fn("buildEmbedder")(function* (
      inputStats: TokenStats | undefined,
      inputTokens: Tokenized[],
    ) {
      const stats = (source: FitSource) =>
        (source === "corpus" ? corpusStats : inputStats)!;
      // One pooling step for both kinds: static lookups, or a transformer run.
      const poolTokens: (
        tokens: ReadonlyArray<Tokenized>,
      ) => Effect.Effect<Embeddings, ForwardFailed | BadConfig> = stage
        ? ((agg) => (tokens) =>
          stage.pool(tokens, agg).pipe(
            Effect.map((x) => st ? st.apply(x) : x),
          ))(contextualAggregator(spec, stats))
        : ((agg) => (tokens) => Effect.succeed(aggregate(tokens, agg)))(
          makeAggregator(spec, encoder!, stats),
        );
      const mixed = spec.staticMix && mixEncoder
        ? ((mix, agg) => (tokens: ReadonlyArray<Tokenized>) =>
          poolTokens(tokens).pipe(
            Effect.map((c) => mixUnit(c, aggregate(tokens, agg), mix.weight)),
          ))(spec.staticMix, {
            ...makeAggregator(spec, mixEncoder, stats),
            pooling: "mean" as const,
          })
        : poolTokens;
      let fitted: ReadonlyArray<FittedStep> = [];
      const post = spec.postprocess;
      if (post && post.steps.length > 0) {
        if (post.fitOn === "corpus" && !transductive && shippedChain) {
          fitted = shippedChain;
        } else {
          const sample = post.fitOn === "corpus" ? corpus : inputTokens;
          fitted = yield* fitChain(post.steps, yield* mixed(sample));
          if (post.fitOn === "corpus" && !transductive) corpusChain = fitted;
        }
      }
      const dim = fitted.length > 0
        ? outputDim(fitted[fitted.length - 1])
        : stage
        ? st?.outDim ?? stage.dim
        : encoder!.dim;
      return {
        spec,
        hash,
        dim,
        embed: (texts: ReadonlyArray<string>, options?: EmbedOptions) =>
          validateInput(texts).pipe(
            Effect.flatMap((valid) => {
              const max = options?.maxTokens;
              const tokens = max === undefined
                ? tokenize(valid)
                : tokenize(valid).map((t) => truncateTokens(t, max));
              return mixed(tokens);
            }),
            Effect.map((pooled) =>
              fitted.length > 0 ? applyChain(fitted, pooled) : pooled
            ),
          ),
        countTokens: (texts: ReadonlyArray<string>) =>
          Int32Array.from(texts, (t) => tokenizer.tokenize(t).tokens.length),
        ...(loaded ? { transformer: loaded.transformer } : {}),
      } satisfies Embedder;
    });

    // Corpus-fitted and statistic-free pipelines are fitted once, here.
    const fixed = transductive ? undefined : yield* build(undefined, []);
    return {
      spec,
      hash,
      corpusStatistics: () =>
        corpusLabel === undefined ? undefined : {
          corpus: corpusLabel,
          fitted: {
            stats: corpusStats,
            ...(corpusChain ? { postprocess: corpusChain } : {}),
            ...(fittedTable ? { table: fittedTable } : {}),
          },
        },
      fit: (input) =>
        transductive
          ? validateInput(input).pipe(Effect.flatMap((valid) => {
            const tokens = tokenize(valid);
            return build(fitTokenStats(tokens), tokens);
          }))
          : Effect.succeed(fixed!),
    } satisfies LoadedPipeline;
  },
);
