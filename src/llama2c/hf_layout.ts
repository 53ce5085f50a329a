import { headSize, type LlamaConfig } from "./config.ts";
import type { LayerWeights, LlamaWeights } from "./weights.ts";

/** A named fp32 tensor, row-major. */
export interface NamedTensor {
  readonly name: string;
  readonly shape: ReadonlyArray<number>;
  readonly data: Float32Array;
}

/**
 * Reorders the rows of a q or k projection ([heads·headSize, in]) from
 * adjacent-pair RoPE to half-split RoPE: within each head, new row i is old
 * row 2i and new row headSize/2 + i is old row 2i + 1 — the permutation
 * Hugging Face's convert_llama_weights_to_hf applies to Meta checkpoints.
 */
export const permuteRowsToHalfSplit = (
  w: Float32Array,
  heads: number,
  headDim: number,
): Float32Array => {
  const cols = w.length / (heads * headDim);
  const out = new Float32Array(w.length);
  const half = headDim / 2;
  for (let h = 0; h < heads; h++) {
    for (let i = 0; i < half; i++) {
      for (let odd = 0; odd < 2; odd++) {
        const from = (h * headDim + 2 * i + odd) * cols;
        const to = (h * headDim + odd * half + i) * cols;
        out.set(w.subarray(from, from + cols), to);
      }
    }
  }
  return out;
};

/**
 * The same model with wq/wk rows permuted for half-split (HF `rotate_half`)
 * RoPE. Its forward equals the original's up to float rounding: each head's
 * q and k are permuted alike, which leaves every q·k unchanged.
 */
export const toHalfSplitRope = (w: LlamaWeights): LlamaWeights => {
  if (w.rope === "half-split") return w;
  const c = w.config;
  const hs = headSize(c);
  return {
    ...w,
    rope: "half-split",
    layers: w.layers.map((layer): LayerWeights => ({
      ...layer,
      wq: permuteRowsToHalfSplit(layer.wq, c.nHeads, hs),
      wk: permuteRowsToHalfSplit(layer.wk, c.nKvHeads, hs),
    })),
  };
};

/**
 * The tensors under Hugging Face `LlamaForCausalLM` names, in half-split RoPE
 * layout (what HF's modeling code and ONNX exports of it expect). With tied
 * embeddings `lm_head.weight` is the same array as `model.embed_tokens.weight`.
 */
export const hfLlamaTensors = (
  weights: LlamaWeights,
): ReadonlyArray<NamedTensor> => {
  const w = toHalfSplitRope(weights);
  const c = w.config;
  const q = c.nHeads * headSize(c);
  const kv = c.nKvHeads * headSize(c);
  const t = (
    name: string,
    shape: number[],
    data: Float32Array,
  ): NamedTensor => ({
    name,
    shape,
    data,
  });
  return [
    t("model.embed_tokens.weight", [c.vocabSize, c.dim], w.tokenEmbedding),
    ...w.layers.flatMap((l, n) => {
      const p = `model.layers.${n}`;
      return [
        t(`${p}.input_layernorm.weight`, [c.dim], l.attnNorm),
        t(`${p}.self_attn.q_proj.weight`, [q, c.dim], l.wq),
        t(`${p}.self_attn.k_proj.weight`, [kv, c.dim], l.wk),
        t(`${p}.self_attn.v_proj.weight`, [kv, c.dim], l.wv),
        t(`${p}.self_attn.o_proj.weight`, [c.dim, q], l.wo),
        t(`${p}.post_attention_layernorm.weight`, [c.dim], l.ffnNorm),
        t(`${p}.mlp.gate_proj.weight`, [c.hiddenDim, c.dim], l.w1),
        t(`${p}.mlp.up_proj.weight`, [c.hiddenDim, c.dim], l.w3),
        t(`${p}.mlp.down_proj.weight`, [c.dim, c.hiddenDim], l.w2),
      ];
    }),
    t("model.norm.weight", [c.dim], w.finalNorm),
    t("lm_head.weight", [c.vocabSize, c.dim], w.classifier),
  ];
};

/** The matching Hugging Face `config.json` fields. */
export const hfLlamaConfig = (c: LlamaConfig) => ({
  architectures: ["LlamaForCausalLM"],
  model_type: "llama",
  hidden_size: c.dim,
  intermediate_size: c.hiddenDim,
  num_hidden_layers: c.nLayers,
  num_attention_heads: c.nHeads,
  num_key_value_heads: c.nKvHeads,
  head_dim: headSize(c),
  vocab_size: c.vocabSize,
  max_position_embeddings: c.seqLen,
  rms_norm_eps: c.normEps,
  rope_theta: c.ropeTheta,
  hidden_act: "silu",
  tie_word_embeddings: c.sharedClassifier,
  bos_token_id: 1,
  eos_token_id: 2,
  torch_dtype: "float32",
});
