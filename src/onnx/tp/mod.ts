/**
 * Token Prepending (METHODS §4) as an ONNX graph rewrite: a `tp_mask` input
 * and, at the input of every decoder layer in [start, exit), the `<PST>` row
 * overwritten by the last position's row; plus the prompt batch that feeds it.
 * @module
 */
export {
  PlaceholderUnplaceable,
  TokenPrependingUnsupported,
} from "./errors.ts";
export {
  type LayerRange,
  tokenPrependingGraph,
  TP_MASK_INPUT,
} from "./graph.ts";
export {
  type PlaceholderBatch,
  placeholderBatch,
  type PlaceholderOptions,
} from "../../prompt/prompt_batch.ts";
export {
  tokenPrependingFile,
  type TokenPrependingModel,
} from "./rewrite_file.ts";
