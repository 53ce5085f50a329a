import { Effect } from "effect";
import {
  type ContextualPooling,
  poolContextual,
} from "../aggregate/contextual_pool.ts";
import { layerWeights, mixStates } from "../aggregate/layer_mix.ts";
import type { TokenFilter } from "../aggregate/token_filter.ts";
import type { TokenWeight } from "../aggregate/weighting.ts";
import { type Embeddings, zeros } from "../embeddings.ts";
import { BadConfig } from "../errors.ts";
import { padBatch, type PaddedBatch } from "../tokenize/pad_batch.ts";
import type { ForwardFailed } from "./errors.ts";
import type { ForwardModel } from "./forward_model.ts";
import type { HiddenStates } from "./hidden_states.ts";
import type { Tokenized, Tokenizer } from "../tokenize/tokenized.ts";
import { lengthBuckets } from "./length_buckets.ts";
import type { LayerSelection } from "../aggregate/layer_selection.ts";

/** What a transformer stage is declared with (the `transformer` stage's fields). */
export interface TransformerSpec {
  readonly model: string;
  readonly file?: string;
  readonly layers: LayerSelection;
  readonly maxTokens?: number;
  /** `int8`: a dynamically quantized graph (default fp32). */
  readonly precision?: "fp32" | "int8";
}

// Model types whose exports are causal decoders: batches are left-padded so
// every row's last real token sits at the end (METHODS §3).
const DECODERS = new Set([
  "gpt2",
  "llama",
  "mistral",
  "qwen2",
  "qwen3",
  "opt",
  "smollm3",
  "gpt_neox",
  "phi",
  "phi3",
  "gemma",
]);

export { BATCH_ROWS, BATCH_TOKENS, lengthBuckets } from "./length_buckets.ts";

/** How a transformer stage pools a sentence's token states. */
export interface ContextualAggregator {
  /** The pooling. */
  readonly pooling: ContextualPooling;
  /** Each token's weight. */
  readonly weight: TokenWeight;
  /** Which tokens count. */
  readonly keep: TokenFilter;
}

/** A transformer ready to pool tokenized sentences into vectors. */
export interface TransformerStage {
  /** The dimension of its vectors. */
  readonly dim: number;
  /** Which side sequences are padded on. */
  readonly padSide: "left" | "right";
  /** The most tokens a sentence keeps. */
  readonly maxTokens: number;
  /**
   * Calls `visit(sentence, token, vector)` for every token of every
   * sentence, with its contextual vector at the selected layers (a view,
   * valid during the call). For corpus statistics such as "Avg." tables.
   */
  visitTokens(
    sentences: ReadonlyArray<Tokenized>,
    visit: (sentence: number, token: number, vector: Float32Array) => void,
  ): Effect.Effect<void, ForwardFailed>;
  /** Pools every sentence; order is kept whatever the batching. */
  pool(
    sentences: ReadonlyArray<Tokenized>,
    agg: ContextualAggregator,
  ): Effect.Effect<Embeddings, ForwardFailed | BadConfig>;
}

/** What a stage needs to know of its model beyond the graph. */
export interface StageSettings {
  /** The model's name, for errors. */
  readonly model: string;
  /** Hidden size as config.json states it (checked against the graph). */
  readonly dim: number;
  /**
   * The last state's width when it differs from `dim`: OPT's `project_out`
   * maps it to `word_embed_proj_dim` (OPT-350m: 1024-d layers, 512-d last
   * state).
   */
  readonly lastDim?: number;
  /** Which side sequences are padded on. */
  readonly padSide: "left" | "right";
  /** The most tokens a sentence keeps. */
  readonly maxTokens: number;
  /** Which hidden states are read. */
  readonly layers: LayerSelection;
  /** The graph was rewritten for Token Prepending (it reads `tp_mask`). */
  readonly tokenPrepending: boolean;
}

/** The slice of a model's config.json a stage reads. */
export interface ModelConfig {
  readonly model_type?: string;
  readonly hidden_size?: number;
  readonly n_embd?: number;
  /** DistilBERT's hidden size. */
  readonly dim?: number;
  readonly d_model?: number;
  /** OPT's token-embedding width, which `project_out` gives the last state. */
  readonly word_embed_proj_dim?: number;
  readonly is_decoder?: boolean;
  readonly architectures?: ReadonlyArray<string>;
}

/**
 * Whether config.json describes a causal decoder: `is_decoder`, a decoder
 * `model_type`, or a `*ForCausalLM` / `*LMHeadModel` architecture.
 */
export const isDecoderConfig = (config: ModelConfig): boolean =>
  config.is_decoder === true || DECODERS.has(config.model_type ?? "") ||
  (config.architectures ?? []).some((a) =>
    /ForCausalLM$|LMHeadModel$/.test(a) && !/^(Bert|Roberta)/.test(a)
  );

/** Hidden size as config.json names it (BERT, GPT-2, DistilBERT, T5). */
export const hiddenSizeOf = (config: ModelConfig): number =>
  config.hidden_size ?? config.n_embd ?? config.dim ?? config.d_model ?? 0;

/** A stage's settings from its spec and its model's config.json. */
export const stageSettings = (
  encoder: TransformerSpec,
  config: ModelConfig,
  tokenPrepending: boolean,
): StageSettings => ({
  model: encoder.model,
  dim: hiddenSizeOf(config),
  ...(config.word_embed_proj_dim !== undefined &&
      config.word_embed_proj_dim !== hiddenSizeOf(config)
    ? { lastDim: config.word_embed_proj_dim }
    : {}),
  padSide: isDecoderConfig(config) ? "left" : "right",
  maxTokens: encoder.maxTokens ?? 512,
  layers: encoder.layers,
  tokenPrepending,
});

/**
 * The stage over a loaded model: batching, the forward run, the layer mix
 * and pooling. Pure of files and services, so the server (over the Forward
 * service) and a browser (over onnxruntime-web) run the same code.
 */
export const transformerStage = (
  model: ForwardModel,
  tokenizer: Tokenizer,
  settings: StageSettings,
): Effect.Effect<TransformerStage, BadConfig> =>
  Effect.gen(function* () {
    const { padSide, layers } = settings;
    const tp = settings.tokenPrepending;
    const count = model.info.hiddenStates.length;
    const weights = yield* Effect.try({
      try: () => layerWeights(layers, count),
      catch: (e) =>
        new BadConfig({
          subject: `layers of ${settings.model}`,
          reason: (e as Error).message,
        }),
    });
    // Only the states the selection reads are fetched: each is a copy out of
    // the runtime, and most pipelines read one of L + 1.
    const used = [...weights.keys()].filter((k) => weights[k] !== 0);
    // Every state is `dim` wide but a projected last one (OPT-350m).
    const widths = new Set(
      used.map((k) =>
        k === count - 1 ? settings.lastDim ?? settings.dim : settings.dim
      ),
    );
    if (widths.size > 1) {
      return yield* new BadConfig({
        subject: `layers of ${settings.model}`,
        reason:
          `they mix the last state (${settings.lastDim}-d after project_out) with ${settings.dim}-d layer states`,
      });
    }
    const dim = [...widths][0] ?? settings.dim;
    const slabWeights = (h: HiddenStates): Float32Array =>
      h.layers ? Float32Array.from(h.layers, (k) => weights[k]) : weights;
    // A TP graph reads each row's <PST> position from its tp_mask input;
    // rows are left-padded, so token k sits at seq − length + k.
    const withPlaceholders = (
      batch: PaddedBatch,
      rows: ReadonlyArray<Tokenized>,
    ): PaddedBatch => {
      if (!tp) return batch;
      const tpMask = new Float32Array(batch.batch * batch.seq);
      rows.forEach((t, r) => {
        if (t.placeholder !== undefined) {
          tpMask[r * batch.seq + batch.seq - t.ids.length + t.placeholder] = 1;
        }
      });
      return { ...batch, tpMask };
    };
    const padId = tokenizer.padId ?? 0;

    const pool = (
      sentences: ReadonlyArray<Tokenized>,
      agg: ContextualAggregator,
    ) =>
      Effect.gen(function* () {
        const out = zeros(sentences.length, dim);
        const lengths = sentences.map((s) => s.ids.length);
        for (const rows of lengthBuckets(lengths)) {
          const batch = withPlaceholders(
            padBatch(rows.map((i) => sentences[i].ids), padId, padSide),
            rows.map((i) => sentences[i]),
          );
          const h = yield* model.run(batch, used);
          if (h.dim !== dim) {
            return yield* new BadConfig({
              subject: `model ${settings.model}`,
              reason:
                `config.json says ${dim} dimensions, the graph gives ${h.dim}`,
            });
          }
          const states = mixStates(h.data, h.count, slabWeights(h));
          for (let r = 0; r < rows.length; r++) {
            const i = rows[r];
            const ok = poolContextual(
              sentences[i],
              { states, seq: h.seq, dim, row: r, mask: h.mask },
              agg.pooling,
              agg.weight,
              agg.keep,
              tokenizer.maskId,
              out.data.subarray(i * dim, (i + 1) * dim),
            );
            if (!ok) {
              return yield* new BadConfig({
                subject: `pooling "${agg.pooling}"`,
                reason: `sentence ${i} has no [MASK] token to pool at`,
              });
            }
          }
        }
        return out;
      });

    const visitTokens = (
      sentences: ReadonlyArray<Tokenized>,
      visit: (sentence: number, token: number, vector: Float32Array) => void,
    ) =>
      Effect.gen(function* () {
        const lengths = sentences.map((s) => s.ids.length);
        for (const rows of lengthBuckets(lengths)) {
          const batch = withPlaceholders(
            padBatch(rows.map((i) => sentences[i].ids), padId, padSide),
            rows.map((i) => sentences[i]),
          );
          const h = yield* model.run(batch, used);
          const states = mixStates(h.data, h.count, slabWeights(h));
          for (let r = 0; r < rows.length; r++) {
            // Real positions in order: token t is the t-th masked-in position.
            let t = 0;
            for (let p = 0; p < h.seq; p++) {
              if (!h.mask[r * h.seq + p]) continue;
              const at = (r * h.seq + p) * h.dim;
              visit(rows[r], t++, states.subarray(at, at + h.dim));
            }
          }
        }
      });

    return {
      dim,
      padSide,
      visitTokens,
      maxTokens: settings.maxTokens,
      pool,
    } satisfies TransformerStage;
  });
