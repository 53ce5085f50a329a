/**
 * The forward stage: every hidden state of a padded batch from an ONNX
 * model, on onnxruntime-node or onnxruntime-web (WASM), behind one service.
 * @module
 */
export type { BackendName, BackendOptions } from "./backend.ts";
export {
  padBatch,
  type PaddedBatch,
  positionIds,
} from "../tokenize/pad_batch.ts";
export { ForwardFailed } from "./errors.ts";
export { type HiddenStates, layerView } from "./hidden_states.ts";
export {
  Forward,
  forwardLayer,
  type ForwardModel,
  ForwardNative,
  ForwardWasm,
  type LoadError,
  type LoadOptions,
  makeForward,
} from "./service.ts";
