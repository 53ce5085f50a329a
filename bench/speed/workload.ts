import { Effect } from "effect";
import { loadStsTask } from "../../src/eval/sts_data.ts";
import { Paths } from "../../src/paths.ts";
import {
  BATCH_ROWS,
  BATCH_TOKENS,
  lengthBuckets,
} from "../../src/forward/transformer_stage.ts";
import { loadPretrainedTokenizer } from "../../src/tokenize/pretrained_tokenizer.ts";

/** The BERT-base-sized random fixture of `deno task fixture`. */
export const MODEL = "random-bert-base";

/** What every configuration of `deno task bench` embeds, fixed by its flags. */
export interface WorkloadOptions {
  /** Sentences in the transformer comparisons (spread over STS-B). */
  readonly sentences: number;
  /** Of those, the sentences that native and WASM both embed. */
  readonly wasmSentences: number;
}

/**
 * The sentences as named calls: `main` (the sample, in its order), `u<k>`
 * (its k-th length-sorted batch, as sentemb batches it), `wasm`, and `all`
 * (every STS-B test sentence, for the static pipeline).
 */
export interface Workload {
  readonly all: ReadonlyArray<string>;
  readonly main: ReadonlyArray<string>;
  readonly units: ReadonlyArray<ReadonlyArray<string>>;
  readonly wasm: ReadonlyArray<string>;
  /** Tokens of `main` as the model's tokenizer counts them, specials included. */
  readonly tokens: number;
  /** Each batch call's padded shape, [rows, longest]. */
  readonly shapes: ReadonlyArray<readonly [number, number]>;
}

/**
 * `n` items spread evenly over `all` (every `all.length / n`-th), so a
 * sample's lengths are those of the whole set, not of its first pairs.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { spread } from "./workload.ts";
 * assert.deepEqual(spread(["a", "b", "c", "d", "e", "f"], 3), ["a", "c", "e"]);
 * ```
 */
export const spread = <T>(all: ReadonlyArray<T>, n: number): T[] => {
  const k = Math.min(n, all.length);
  return Array.from(
    { length: k },
    (_, i) => all[Math.floor(i * all.length / k)],
  );
};

/** The workload every worker derives from the same flags. */
export const loadWorkload = Effect.fn("loadWorkload")(
  function* (options: WorkloadOptions) {
    const paths = yield* Paths;
    const sts = yield* loadStsTask(paths.data, "STSBenchmark", "raw");
    const all = [...sts.s1, ...sts.s2];
    const main = spread(all, options.sentences);
    const tokenizer = yield* loadPretrainedTokenizer(MODEL);
    const lengths = main.map((t) => tokenizer.tokenize(t).ids.length);
    const batches = lengthBuckets(lengths, BATCH_TOKENS, BATCH_ROWS);
    const units = batches.map((rows) => rows.map((i) => main[i]));
    return {
      all,
      main,
      units,
      wasm: spread(main, options.wasmSentences),
      tokens: lengths.reduce((s, n) => s + n, 0),
      shapes: units.map((u, k) =>
        [
          u.length,
          Math.max(...batches[k].map((i) => lengths[i])),
        ] as const
      ),
    } satisfies Workload;
  },
);

/** The sentences of one named call. */
export const callTexts = (
  w: Workload,
  call: string,
): ReadonlyArray<string> => {
  if (call === "all") return w.all;
  if (call === "main") return w.main;
  if (call === "wasm") return w.wasm;
  const k = Number(call.slice(1));
  if (!call.startsWith("u") || !Number.isInteger(k) || !w.units[k]) {
    throw new RangeError(
      `no call ${call} (main, wasm, all, u0..u${w.units.length - 1})`,
    );
  }
  return w.units[k];
};
