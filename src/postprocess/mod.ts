/**
 * Post-processing (METHODS §2): fit once on a sample, apply to any batch,
 * ship the fitted parameters as a JSON artifact.
 *
 * @module
 */
export { PostprocessStep } from "./step.ts";
export { type FittedStep, outputDim } from "./fitted.ts";
export { fitChain, fitStep } from "./fit.ts";
export { applyChain, applyStep } from "./apply.ts";
export {
  chainFromJson,
  chainToJson,
  FittedChainJson,
  FittedStepJson,
} from "./artifact.ts";
