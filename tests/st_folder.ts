import { writeSafetensors } from "../src/static/safetensors.ts";

/**
 * Writes a sentence-transformers model folder over an encoder folder:
 * its tokenizer, config and ONNX graph copied, then `modules.json` with
 * Transformer → Pooling (mean) → Dense (`weight` [out, in], `bias`, tanh) →
 * Normalize, as sentence-transformers saves them.
 */
export const writeStFolder = (
  dir: string,
  encoder: string,
  dense: { readonly weight: Float32Array; readonly bias: Float32Array },
  hidden = 32,
) => {
  const out = dense.bias.length;
  for (const d of ["onnx", "1_Pooling", "2_Dense"]) {
    Deno.mkdirSync(`${dir}/${d}`, { recursive: true });
  }
  for (
    const f of [
      "tokenizer.json",
      "tokenizer_config.json",
      "config.json",
      "vocab.txt",
      "onnx/model.onnx",
    ]
  ) {
    try {
      Deno.copyFileSync(`${encoder}/${f}`, `${dir}/${f}`);
    } catch {
      // optional tokenizer files
    }
  }
  const module = (i: number, path: string, type: string) => ({
    idx: i,
    name: String(i),
    path,
    type: `sentence_transformers.models.${type}`,
  });
  Deno.writeTextFileSync(
    `${dir}/modules.json`,
    JSON.stringify([
      module(0, "", "Transformer"),
      module(1, "1_Pooling", "Pooling"),
      module(2, "2_Dense", "Dense"),
      module(3, "3_Normalize", "Normalize"),
    ]),
  );
  Deno.writeTextFileSync(
    `${dir}/1_Pooling/config.json`,
    JSON.stringify({
      word_embedding_dimension: hidden,
      pooling_mode_cls_token: false,
      pooling_mode_mean_tokens: true,
      pooling_mode_max_tokens: false,
      pooling_mode_mean_sqrt_len_tokens: false,
    }),
  );
  Deno.writeTextFileSync(
    `${dir}/2_Dense/config.json`,
    JSON.stringify({
      in_features: hidden,
      out_features: out,
      bias: true,
      activation_function: "torch.nn.modules.activation.Tanh",
    }),
  );
  Deno.writeFileSync(
    `${dir}/2_Dense/model.safetensors`,
    writeSafetensors({
      "linear.weight": { shape: [out, hidden], data: dense.weight },
      "linear.bias": { shape: [out], data: dense.bias },
    }),
  );
};
