/**
 * ONNX graphs: random-weight fixtures shaped like real exports, their plain
 * the rewrite that exposes every hidden
 * layer as a graph output, and Token Prepending as a graph rewrite.
 * @module
 */
export {
  buildFixture,
  buildFixtureFromFile,
  type Fixture,
  fixtureModel,
  type FixtureOptions,
  type FixtureWeights,
  fixtureWeights,
} from "./fixture/build.ts";
export {
  type ArchConfig,
  type BertConfig,
  decodeArchConfig,
  type Gpt2Config,
  type LlamaConfig,
  type OptConfig,
  TINY_CONFIGS,
} from "./fixture/config.ts";
export type { NormForm } from "./fixture/emit.ts";
export {
  type Quantized,
  quantizeDynamic,
  type QuantizeOptions,
} from "./quantize/quantize_graph.ts";
export {
  int8ModelFile,
  type QuantizedModel,
  type QuantizeFileOptions,
  quantizeModelFile,
  QUANTIZER_VERSION,
} from "./quantize/quantize_file.ts";
export type { WeightType } from "./quantize/quantize_weight.ts";
export { LayersNotFound, OnnxParseError } from "./rewrite/errors.ts";
export {
  exposeHiddenStates,
  findLayers,
  HIDDEN_STATE_PREFIX,
} from "./rewrite/expose.ts";
export type { FinalState, LayerMap, Tap } from "./rewrite/layer_map.ts";
export {
  type InputSpec,
  rewriteModelFile,
  type RewrittenModel,
} from "./rewrite/rewrite_file.ts";
export { decodeModel, encodeModel, type ModelProto } from "./proto.ts";
export {
  type LayerRange,
  type PlaceholderBatch,
  placeholderBatch,
  type PlaceholderOptions,
  PlaceholderUnplaceable,
  tokenPrependingFile,
  tokenPrependingGraph,
  type TokenPrependingModel,
  TokenPrependingUnsupported,
  TP_MASK_INPUT,
} from "./tp/mod.ts";
