import type { LlamaConfig } from "./config.ts";

/**
 * Which query/key dimensions RoPE rotates together within a head.
 * - `adjacent-pairs`: (2i, 2i+1), the Meta/llama2.c layout (complex pairs).
 * - `half-split`: (i, i + headSize/2), Hugging Face's `rotate_half` layout.
 * Both rotate pair i by angle pos · theta^(-2i/headSize). The same checkpoint
 * serves either once wq/wk rows are permuted (see `toHalfSplitRope`).
 */
export type RopeLayout = "adjacent-pairs" | "half-split";

/**
 * One decoder layer. Every matrix is a PyTorch `nn.Linear` weight: row-major
 * [out, in], applied as y = W·x. `q` = nHeads·headSize, `kv` = nKvHeads·headSize.
 */
export interface LayerWeights {
  /** [dim]: llama2.c rms_att_weight, HF `input_layernorm.weight`. */
  readonly attnNorm: Float32Array;
  /** [q, dim]: HF `self_attn.q_proj.weight`; head h is rows h·headSize…. */
  readonly wq: Float32Array;
  /** [kv, dim]: HF `self_attn.k_proj.weight`. */
  readonly wk: Float32Array;
  /** [kv, dim]: HF `self_attn.v_proj.weight`. */
  readonly wv: Float32Array;
  /** [dim, q]: HF `self_attn.o_proj.weight`. */
  readonly wo: Float32Array;
  /** [dim]: llama2.c rms_ffn_weight, HF `post_attention_layernorm.weight`. */
  readonly ffnNorm: Float32Array;
  /** [hiddenDim, dim]: the SiLU-gated branch, HF `mlp.gate_proj.weight`. */
  readonly w1: Float32Array;
  /** [dim, hiddenDim]: HF `mlp.down_proj.weight`. */
  readonly w2: Float32Array;
  /** [hiddenDim, dim]: the linear branch, HF `mlp.up_proj.weight`. */
  readonly w3: Float32Array;
}

/**
 * A Llama-2 decoder's weights as fp32 arrays (views into one buffer when read
 * from a checkpoint; treat them as read-only).
 */
export interface LlamaWeights {
  readonly config: LlamaConfig;
  /** The RoPE pairing the wq/wk row order assumes. */
  readonly rope: RopeLayout;
  /** [vocabSize, dim]: HF `model.embed_tokens.weight`. */
  readonly tokenEmbedding: Float32Array;
  readonly layers: ReadonlyArray<LayerWeights>;
  /** [dim]: HF `model.norm.weight`. */
  readonly finalNorm: Float32Array;
  /** [vocabSize, dim]: HF `lm_head.weight`; the very `tokenEmbedding` array when tied. */
  readonly classifier: Float32Array;
}
