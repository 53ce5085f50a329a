import type { InputSpec } from "../onnx/rewrite/rewrite_file.ts";
import { TP_MASK_INPUT } from "../onnx/tp/graph.ts";
import type { FeedTensor } from "./backend.ts";
import { type PaddedBatch, positionIds } from "../tokenize/pad_batch.ts";

const int64 = (values: ArrayLike<number>, dims: number[]): FeedTensor => {
  const data = new BigInt64Array(values.length);
  for (let i = 0; i < values.length; i++) data[i] = BigInt(values[i]);
  return { type: "int64", data, dims };
};

const PAST = /^past_key_values\.\d+\.(key|value)$/;

/**
 * The feeds for a model's declared inputs: ids, mask, zero segment ids,
 * position ids from the mask (decoders), the `<PST>` mask of a Token
 * Prepending graph, and an empty KV cache
 * [batch, kvHeads, 0, headDim] for every `past_key_values.N.*`. Returns a
 * reason string for an input it does not know how to fill.
 */
export const buildFeeds = (
  inputs: ReadonlyArray<InputSpec>,
  b: PaddedBatch,
): Record<string, FeedTensor> | string => {
  const dims = [b.batch, b.seq];
  const feeds: Record<string, FeedTensor> = {};
  for (const input of inputs) {
    if (input.name === "input_ids") feeds[input.name] = int64(b.ids, dims);
    else if (input.name === "attention_mask") {
      feeds[input.name] = int64(b.mask, dims);
    } else if (input.name === "token_type_ids") {
      feeds[input.name] = int64(
        b.typeIds ?? new Int32Array(b.ids.length),
        dims,
      );
    } else if (input.name === "position_ids") {
      feeds[input.name] = int64(positionIds(b), dims);
    } else if (input.name === TP_MASK_INPUT) {
      if (b.tpMask?.length !== b.ids.length) {
        return `input ${TP_MASK_INPUT} needs the batch's Token Prepending mask (${b.batch} x ${b.seq}, PaddedBatch.tpMask)`;
      }
      feeds[input.name] = { type: "float32", data: b.tpMask, dims };
    } else if (PAST.test(input.name)) {
      const [, heads, , headDim] = input.dims;
      if (typeof heads !== "number" || typeof headDim !== "number") {
        return `input ${input.name} has symbolic head dims (${
          input.dims.join(", ")
        })`;
      }
      feeds[input.name] = {
        type: "float32",
        data: new Float32Array(0),
        dims: [b.batch, heads, 0, headDim],
      };
    } else {
      return `input ${input.name} is not one the forward stage can fill`;
    }
  }
  return feeds;
};
