import { BOS_ID } from "./special_ids.ts";
import { argmax } from "./kernels.ts";
import { kvCacheStepper } from "./step.ts";
import type { LlamaWeights } from "./weights.ts";

/**
 * llama2.c's generation loop at temperature 0: feeds the prompt (BOS alone by
 * default), then appends the argmax token until `steps` positions have run or
 * the model emits BOS (which llama2.c treats as the end of a story). Returns
 * the prompt followed by the generated ids.
 *
 * @example
 * ```ts ignore
 * const ids = greedyDecode(weights, { steps: 32 }); // [1, 403, 407, ...]
 * ```
 */
export const greedyDecode = (
  w: LlamaWeights,
  options: { readonly steps: number; readonly prompt?: ReadonlyArray<number> },
): Int32Array => {
  const prompt = options.prompt ?? [BOS_ID];
  if (prompt.length === 0) {
    throw new RangeError("greedyDecode needs a non-empty prompt");
  }
  const steps = Math.min(options.steps, w.config.seqLen);
  const stepper = kvCacheStepper(w, Math.max(steps, 1));
  const out = [...prompt];
  let token = prompt[0];
  for (let pos = 0; pos < steps; pos++) {
    const logits = stepper.step(token, pos);
    const next = pos < prompt.length - 1 ? prompt[pos + 1] : argmax(logits);
    if (next === BOS_ID) break;
    if (pos >= prompt.length - 1) out.push(next);
    token = next;
  }
  return Int32Array.from(out);
};
