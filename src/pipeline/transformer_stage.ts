import { Effect } from "effect";
import {
  type ContextualPooling,
  poolContextual,
} from "../aggregate/contextual_pool.ts";
import { layerWeights, mixStates } from "../aggregate/layer_mix.ts";
import type { TokenFilter } from "../aggregate/token_filter.ts";
import type { TokenWeight } from "../aggregate/weighting.ts";
import { type Embeddings, zeros } from "../embeddings.ts";
import { BadConfig, MissingModelFiles } from "../errors.ts";
import { padBatch, type PaddedBatch } from "../forward/batch.ts";
import { tokenPrependingFile } from "../onnx/tp/rewrite_file.ts";
import type { ForwardFailed } from "../forward/errors.ts";
import type { HiddenStates } from "../forward/hidden_states.ts";
import { Forward } from "../forward/service.ts";
import { modelFolder, Paths } from "../paths.ts";
import type { Tokenized, Tokenizer } from "../tokenize/tokenized.ts";
import { lengthBuckets } from "./length_buckets.ts";
import type { EncoderSpec, LayerSelection } from "./spec.ts";

type TransformerSpec = Extract<EncoderSpec, { _tag: "transformer" }>;

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

export interface ContextualAggregator {
  readonly pooling: ContextualPooling;
  readonly weight: TokenWeight;
  readonly keep: TokenFilter;
}

/** A transformer ready to pool tokenized sentences into vectors. */
export interface TransformerStage {
  readonly dim: number;
  readonly padSide: "left" | "right";
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

export interface StageOptions {
  /** The model folder, when it is not found by id (an exported checkpoint). */
  readonly folder?: string;
  /** Token Prepending layers: the graph is rewritten to overwrite `<PST>`. */
  readonly tokenPrepending?: { readonly start: number; readonly exit: number };
}

export const loadTransformerStage = Effect.fn("loadTransformerStage")(
  function* (
    encoder: TransformerSpec,
    tokenizer: Tokenizer,
    options: StageOptions = {},
  ) {
    const paths = yield* Paths;
    const forward = yield* Forward;
    const folder = options.folder ?? modelFolder(paths, encoder.model);
    const configPath = `${folder}/config.json`;
    const config = yield* Effect.try({
      try: () =>
        JSON.parse(Deno.readTextFileSync(configPath)) as {
          model_type?: string;
          hidden_size?: number;
          n_embd?: number;
          is_decoder?: boolean;
        },
      catch: () =>
        new MissingModelFiles({
          model: encoder.model,
          path: configPath,
          hint: "A transformer pipeline needs the model folder's config.json.",
        }),
    });
    const source = `${folder}/${encoder.file ?? "onnx/model.onnx"}`;
    const tp = options.tokenPrepending;
    const model = yield* forward.load(
      tp ? (yield* tokenPrependingFile(source, tp)).path : source,
    );
    const padSide: "left" | "right" =
      config.is_decoder || DECODERS.has(config.model_type ?? "")
        ? "left"
        : "right";
    const count = model.info.hiddenStates.length;
    const weights = yield* Effect.try({
      try: () => layerWeights(encoder.layers as LayerSelection, count),
      catch: (e) =>
        new BadConfig({
          subject: `layers of ${encoder.model}`,
          reason: (e as Error).message,
        }),
    });
    // Only the states the selection reads are fetched: each is a copy out of
    // the runtime, and most pipelines read one of L + 1.
    const used = [...weights.keys()].filter((k) => weights[k] !== 0);
    const slabWeights = (h: HiddenStates): Float32Array =>
      h.layers ? Float32Array.from(h.layers, (k) => weights[k]) : weights;
    const dim = config.hidden_size ?? config.n_embd ?? 0;
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
              subject: `model ${encoder.model}`,
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
      maxTokens: encoder.maxTokens ?? 512,
      pool,
    } satisfies TransformerStage;
  },
);
