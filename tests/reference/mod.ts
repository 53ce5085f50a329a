import type { PaddedBatch } from "../../src/tokenize/pad_batch.ts";
import type { HiddenStates } from "../../src/forward/hidden_states.ts";
import type { FixtureWeights } from "../../src/onnx/fixture/build.ts";
import type {
  BertWeights,
  Gpt2Weights,
  LlamaWeights,
} from "../../src/onnx/fixture/weights.ts";
import { bertForward } from "./bert_forward.ts";
import { gpt2Forward } from "./gpt2_forward.ts";
import { llamaForward } from "./llama_forward.ts";

export { bertForward, gpt2Forward, llamaForward };
export type { RowOverwrite } from "./gpt2_forward.ts";

/**
 * Every hidden state of a fixture model computed in plain TypeScript, laid
 * out as the forward stage returns them ([L + 1, batch, seq, dim]). For the
 * decoders `final` picks the last state after the final norm or before it.
 */
export const referenceForward = (
  w: FixtureWeights,
  b: PaddedBatch,
  final: "normed" | "residual" = "normed",
): HiddenStates =>
  w.config.arch === "bert"
    ? bertForward(w as BertWeights, b)
    : w.config.arch === "gpt2"
    ? gpt2Forward(w as Gpt2Weights, b, final)
    : llamaForward(w as LlamaWeights, b, final);
