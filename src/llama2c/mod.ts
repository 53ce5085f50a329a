/**
 * llama2.c models in sentemb: the legacy checkpoint and tokenizer formats, a
 * plain TypeScript Llama-2 forward (the reference other backends are checked
 * against), greedy decoding, Token Prepending on the residual stream, and
 * the export to ONNX (the fixture builder's Llama layout with real weights).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Effect } from "effect";
 * import { PathsFromEnv } from "../paths.ts";
 * import { greedyDecode, hiddenStates, leftPad, loadStories260K } from "./mod.ts";
 * const { weights, tokenizer } = await Effect.runPromise(
 *   loadStories260K().pipe(Effect.provide(PathsFromEnv)),
 * );
 * const story = tokenizer.decode(greedyDecode(weights, { steps: 8 }));
 * assert.ok(story.startsWith("Once upon a time"));
 * const batch = leftPad([tokenizer.encode("A dog."), tokenizer.encode("Hi")], 0);
 * assert.deepEqual(hiddenStates(weights, batch).shape, [6, 2, batch.seq, 64]);
 * ```
 * @module
 */
export {
  lastTokenIndex,
  leftPad,
  positionsOf,
  type TokenBatch,
} from "./batch.ts";
export { checkpointFloats, parseCheckpoint } from "./checkpoint.ts";
export { headSize, kvDim, type LlamaConfig, parseHeader } from "./config.ts";
export { decode, decodePiece } from "./decode.ts";
export { encode, type EncodeCounter, encodeCounter } from "./encode.ts";
export { Llama2cFormatError } from "./errors.ts";
export {
  type ExportedModel,
  exportLlama2c,
  type ExportOptions,
  exportStories260K,
  fixtureLlamaWeights,
} from "./export_onnx.ts";
export { greedyDecode } from "./greedy.ts";
export { greedyDecodeOnnx } from "./onnx_greedy.ts";
export {
  hfLlamaConfig,
  hfLlamaTensors,
  type NamedTensor,
  permuteRowsToHalfSplit,
  toHalfSplitRope,
} from "./hf_layout.ts";
export {
  type HiddenStates,
  hiddenStates,
  type TokenPrepending,
} from "./hidden_states.ts";
export { type Llama2cModel, loadLlama2c, loadStories260K } from "./load.ts";
export { logitsOfHidden } from "./logits.ts";
export { PLACEHOLDER_ID } from "./placeholder.ts";
export { BOS_ID, EOS_ID, UNK_ID } from "./special_ids.ts";
export { kvCacheStepper, type Stepper } from "./step.ts";
export { type Llama2cTokenizer, llama2cTokenizer } from "./tokenizer.ts";
export { type Llama2cVocab, parseVocab } from "./vocab.ts";
export type { LayerWeights, LlamaWeights, RopeLayout } from "./weights.ts";
