import type { LoadError } from "../stages/resources.ts";
import { Effect } from "effect";
import {
  aggregate,
  aggregateTexts,
  type Aggregator,
} from "../aggregate/aggregate.ts";
import type { ContextualPooling } from "../aggregate/contextual_pool.ts";
import type { TokenFilter } from "../aggregate/token_filter.ts";
import { fitTokenStats, type TokenStats } from "../tokenize/token_stats.ts";
import { type TokenWeight, uniformWeight } from "../aggregate/weighting.ts";
import type { ArtifactSection } from "../artifact/artifact_section.ts";
import type { Embeddings } from "../embeddings.ts";
import { ArtifactError } from "../artifact/artifact_error.ts";
import type { FitSource } from "../stages/fit_source.ts";
import { filterModule } from "../stages/filter.ts";
import { l2Module } from "../stages/l2.ts";
import { moduleOf } from "../stages/registry.ts";
import type {
  ArtifactContents,
  LoadedStage,
  PipelineResources,
} from "../stages/resources.ts";
import type { OutputPrecision, StepBatch } from "../stages/stage_module.ts";
import { resolveStaticVectors } from "../stages/static_vectors.ts";
import type { WeightingModule } from "../stages/token_modules.ts";
import { truncateModule } from "../stages/truncate.ts";
import type { StaticEncoder } from "../aggregate/static_encoder.ts";
import type { Tokenized } from "../tokenize/tokenized.ts";
import { truncateTokens } from "../tokenize/truncate.ts";
import {
  needsCorpus,
  outputPrecision,
  statisticsOf,
  unitLength,
} from "./describe.ts";
import type {
  Embedder,
  EmbedError,
  EmbedOptions,
  LoadedPipeline,
} from "./embedder.ts";
import { pipelineHash, withoutArtifact } from "./hash.ts";
import { compilePlan } from "./plan.ts";
import { planTokenPrepending, sentenceTokenizer } from "./sentence_tokens.ts";
import { DEFAULT_CORPUS_SENTENCES, type PipelineSpec } from "./spec.ts";
import { validateInput } from "./validate_input.ts";

/** Options of {@link assemblePipeline}. */
export interface AssembleOptions {
  /**
   * Fit corpus statistics on these sentences instead of the shipped artifact
   * or the default corpus (`deno task fit --corpus FILE`).
   */
  readonly corpus?: {
    readonly label: string;
    readonly sentences: ReadonlyArray<string>;
  };
}

const KEEP_ALL: TokenFilter = () => true;

interface FittedStepInPlace {
  readonly index: number;
  readonly sources: ReadonlyArray<FitSource>;
  readonly fitted: unknown;
  readonly apply: (x: Embeddings, batch: StepBatch) => Embeddings;
  readonly section?: () => ArtifactSection;
}

/**
 * The one assembly of a pipeline, a fold over its list: resolve resources
 * (tokenizer, vectors, transformer) → fit statistics (corpus, input, or the
 * shipped artifact) → one function from texts to vectors. The server, the
 * browser client, the evaluation harness and the CLI all come through here;
 * they differ only in the resources they hand in.
 */
export const assemblePipeline: (
  spec: PipelineSpec,
  resources: PipelineResources,
  options?: AssembleOptions,
) => Effect.Effect<LoadedPipeline, LoadError> = Effect.fn("assemblePipeline")(
  function* (
    spec: PipelineSpec,
    resources: PipelineResources,
    options: AssembleOptions = {},
  ) {
    const plan = yield* compilePlan(spec);
    const tokenizer = yield* resources.tokenizer(plan.tokenizer);
    const tp = planTokenPrepending(plan);
    const loaded: LoadedStage | undefined = plan.vectors._tag === "transformer"
      ? yield* resources.transformer(plan.vectors, tokenizer, {
        folder: yield* resources.exportedFolder(plan.tokenizer),
        ...(tp ? { tokenPrepending: tp } : {}),
      })
      : undefined;
    const stage = loaded?.stage;
    const hash = pipelineHash(spec);
    const tokenizeOne = sentenceTokenizer(plan, tokenizer, stage?.maxTokens);
    const tokenizeWhole = sentenceTokenizer(plan, tokenizer);
    const tokenize = (texts: ReadonlyArray<string>): Tokenized[] =>
      texts.map(tokenizeOne);
    const transductive = statisticsOf(plan) === "transductive";

    // Corpus statistics: the shipped artifact, or fitted on the corpus now.
    let shipped: ArtifactContents | undefined;
    let corpusLabel: string | undefined;
    let corpusSentences: ReadonlyArray<string> = [];
    let corpusTokens: Tokenized[] = [];
    let corpusStats: TokenStats | undefined;
    if (needsCorpus(plan) && spec.artifact && !options.corpus) {
      shipped = yield* resources.artifact(
        spec.artifact,
        pipelineHash(withoutArtifact(spec)),
      );
      corpusStats = shipped.stats;
    } else if (needsCorpus(plan)) {
      const source = options.corpus ??
        (yield* resources.corpus(
          spec.corpusSentences ?? DEFAULT_CORPUS_SENTENCES,
        ));
      corpusLabel = source.label;
      corpusSentences = source.sentences;
      corpusTokens = tokenize(source.sentences);
      corpusStats = fitTokenStats(corpusTokens);
    }

    // Static token vectors ("Avg." tables fitted or read from their section).
    let encoder: StaticEncoder | undefined;
    let vectorsSection: ArtifactSection | undefined;
    if (plan.vectors._tag !== "transformer") {
      const resolved = yield* resolveStaticVectors(plan.vectors, {
        corpus: corpusSentences,
        tokenizer,
        shipped: shipped?.sections.get(plan.vectorsIndex),
        resources,
      });
      encoder = resolved.encoder;
      vectorsSection = shipped ? undefined : resolved.section;
    }
    const mode = plan.pool.mode;
    const tokenView = {
      pooling: mode,
      transformerModel: plan.vectors._tag === "transformer"
        ? plan.vectors.model
        : undefined,
      weightedOrFiltered: plan.weighting !== undefined ||
        (plan.filter !== undefined &&
          (plan.filter.special || plan.filter.punctuation ||
            plan.filter.subwords || plan.filter.stopwords !== undefined ||
            plan.filter.frequent !== undefined)),
    };
    const corpusSections = new Map<number, () => ArtifactSection>();

    const build = Effect.fn("buildEmbedder")(function* (
      inputStats: TokenStats | undefined,
      inputTokens: ReadonlyArray<Tokenized>,
    ) {
      const stats = (source: FitSource): TokenStats => {
        const s = source === "corpus" ? corpusStats : inputStats;
        if (!s) throw new Error(`no ${source} statistics were fitted`);
        return s;
      };
      const weight: TokenWeight = plan.weighting
        ? (moduleOf(plan.weighting) as WeightingModule).weight(
          plan.weighting,
          stats,
        )
        : uniformWeight;
      const keep = plan.filter
        ? filterModule.keep(plan.filter, stats)
        : KEEP_ALL;
      const aggregatorFor = (e: StaticEncoder): Aggregator => ({
        encoder: e,
        weight,
        keep,
        // Static encoders pool by mean or max only; the plan checks it.
        pooling: mode === "max" ? "max" : "mean",
      });
      const staticAgg = encoder ? aggregatorFor(encoder) : undefined;
      const pooled: (
        tokens: ReadonlyArray<Tokenized>,
      ) => Effect.Effect<Embeddings, EmbedError> = stage
        ? ((agg) => (tokens) => stage.pool(tokens, agg))({
          pooling: mode as ContextualPooling,
          weight,
          keep,
        })
        : (tokens) => Effect.succeed(aggregate(tokens, staticAgg!));
      // A static pipeline whose tokenizer scans texts into keys pools each
      // text as it scans it: no tokenized batch (the static path's floor).
      const keys = tokenizer.keys;
      const pooledTexts = staticAgg && keys && !plan.prompt
        ? (texts: ReadonlyArray<string>) =>
          aggregateTexts(texts, keys, tokenizeOne, staticAgg)
        : undefined;

      // The sentence steps, fitted in order on what the steps before leave.
      const steps: FittedStepInPlace[] = [];
      const through = (x: Embeddings, batch: StepBatch) =>
        steps.reduce((acc, s) => s.apply(acc, batch), x);
      const samples = new Map<FitSource, Embeddings>();
      const sample = Effect.fn("sample")(function* (source: FitSource) {
        const cached = samples.get(source);
        if (cached) return cached;
        const tokens = source === "corpus" ? corpusTokens : inputTokens;
        const x = through(yield* pooled(tokens), { tokens });
        samples.set(source, x);
        return x;
      });
      let dim = stage ? stage.dim : encoder!.dim;
      for (const step of plan.steps) {
        const { decl, module, index } = step;
        const sources = module.sources(decl);
        const section = shipped?.sections.get(index);
        let fitted: unknown;
        if (section && module.artifact?.decode) {
          const decode = module.artifact.decode;
          fitted = yield* Effect.try({
            try: () => decode(section, dim, decl),
            catch: (e) =>
              new ArtifactError({
                artifact: spec.artifact ?? "-",
                reason: `stage ${index + 1} ("${decl._tag}"): ${
                  (e as Error).message
                }`,
              }),
          });
        } else {
          const source = sources.includes("input")
            ? "input"
            : sources.includes("corpus")
            ? "corpus"
            : undefined;
          fitted = yield* module.fit(decl, {
            dim,
            sample: source ? yield* sample(source) : undefined,
            tokens: tokenView,
            aggregatorFor,
            corpus: corpusSentences,
            tokenizer,
            shipped: section,
            resources,
          });
        }
        const f = fitted;
        const apply = (x: Embeddings, batch: StepBatch) =>
          module.apply(f, x, batch);
        steps.push({ index, sources, fitted: f, apply });
        for (const [source, x] of samples) {
          const tokens = source === "corpus" ? corpusTokens : inputTokens;
          samples.set(source, apply(x, { tokens }));
        }
        if (
          !shipped && module.artifact && sources.includes("corpus") &&
          !sources.includes("input")
        ) {
          const encode = module.artifact.encode;
          corpusSections.set(index, () => encode(f));
        }
        dim = module.outputDim(f, dim);
      }
      const endsUnit = unitLength(plan);
      const precision: OutputPrecision = outputPrecision(plan);
      const finalDim = dim;

      // Fewer dimensions: the truncate step, renormalised when the
      // pipeline's vectors are unit length.
      const reduceDimensions = (x: Embeddings, k: number): Embeddings => {
        if (k >= x.dim) return x;
        const none = { tokens: [] };
        const cut = truncateModule.apply({ dim: x.dim, k }, x, none);
        return endsUnit ? l2Module.apply({ dim: k }, cut, none) : cut;
      };
      const finish = (
        x: Embeddings,
        batch: StepBatch,
        options?: EmbedOptions,
      ): Embeddings => {
        const out = through(x, batch);
        const k = options?.dimensions;
        return k === undefined ? out : reduceDimensions(out, k);
      };
      const embedTokens = (
        tokens: ReadonlyArray<Tokenized>,
        options?: EmbedOptions,
      ): Effect.Effect<Embeddings, EmbedError> =>
        pooled(tokens).pipe(Effect.map((x) => finish(x, { tokens }, options)));
      const tokenizeFor = (
        texts: ReadonlyArray<string>,
        options?: EmbedOptions,
      ): Tokenized[] => {
        const max = options?.maxTokens;
        const whole = options?.untruncated === true;
        const tokens = whole ? texts.map(tokenizeWhole) : tokenize(texts);
        return max === undefined
          ? tokens
          : tokens.map((t) => truncateTokens(t, max));
      };
      // Fused where it can be: a step that reads the tokens tokenizes then.
      const embedTexts = (
        texts: ReadonlyArray<string>,
        options?: EmbedOptions,
      ): Effect.Effect<Embeddings, EmbedError> => {
        if (!pooledTexts || options?.maxTokens !== undefined) {
          return embedTokens(tokenizeFor(texts, options), options);
        }
        let tokens: Tokenized[] | undefined;
        const batch: StepBatch = {
          get tokens() {
            return tokens ??= tokenize(texts);
          },
        };
        return Effect.sync(() => finish(pooledTexts(texts), batch, options));
      };
      const embedder: Embedder = {
        spec,
        plan,
        hash,
        dim: finalDim,
        precision,
        unitLength: endsUnit,
        ...(stage ? { maxTokens: stage.maxTokens } : {}),
        tokenize: tokenizeFor,
        embedTokens,
        reduceDimensions,
        embed: (texts, options) =>
          validateInput(texts).pipe(
            Effect.flatMap((valid) => embedTexts(valid, options)),
          ),
        countTokens: (texts) =>
          Int32Array.from(texts, (t) => tokenizer.tokenize(t).tokens.length),
        ...(loaded ? { transformer: loaded.transformer } : {}),
      };
      return embedder;
    });

    // Corpus-fitted and statistic-free pipelines are fitted once, here.
    const fixed = transductive ? undefined : yield* build(undefined, []);
    const tokenPhaseOnCorpus = plan.spec.stages.some((d) => {
      const m = moduleOf(d);
      return (m.phase === "weighting" || m.phase === "filter") &&
        m.sources(d as never).includes("corpus");
    });
    const loadedPipeline: LoadedPipeline = {
      spec,
      plan,
      hash,
      corpusStatistics: () => {
        if (corpusLabel === undefined) return undefined;
        const sections = new Map<number, ArtifactSection>();
        if (vectorsSection) sections.set(plan.vectorsIndex, vectorsSection);
        for (const [i, encode] of corpusSections) sections.set(i, encode());
        return {
          corpus: corpusLabel,
          fitted: {
            ...(tokenPhaseOnCorpus && corpusStats
              ? { stats: corpusStats }
              : {}),
            sections,
          },
        };
      },
      fit: (input) =>
        transductive
          ? validateInput(input).pipe(Effect.flatMap((valid) => {
            const tokens = tokenize(valid);
            return build(fitTokenStats(tokens), tokens);
          }))
          : Effect.succeed(fixed!),
    };
    return loadedPipeline;
  },
);
