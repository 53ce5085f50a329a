import { Effect } from "effect";
import { lengthBuckets } from "../../src/forward/length_buckets.ts";
import { modelFolder, pathsFromEnv, pathsLayer } from "../../src/paths.ts";
import { loadPretrainedTokenizer } from "../../src/tokenize/pretrained_tokenizer.ts";
import type { WasmSetting } from "./wasm_setting.ts";
import { loadWorkload, MODEL } from "./workload.ts";

/** One padded batch, as int64 feeds take it: `batch × seq` ids and mask. */
export interface Batch {
  readonly dims: [number, number];
  readonly ids: BigInt64Array;
  readonly mask: BigInt64Array;
}

/** The batches a setting's WASM side and its native pair run. */
export interface SweepBatches {
  readonly wasm: ReadonlyArray<Batch>;
  readonly native: ReadonlyArray<Batch>;
  /** The longest sentence in tokens (what fixed shapes pad to). */
  readonly longest: number;
  /** The fixture's folder. */
  readonly folder: string;
}

// Rows padded on the right to `seq` (default: the longest row).
const padTo = (rows: ArrayLike<number>[], padId: number, seq?: number) => {
  const width = seq ?? Math.max(...rows.map((r) => r.length));
  const ids = new BigInt64Array(rows.length * width).fill(BigInt(padId));
  const mask = new BigInt64Array(rows.length * width);
  rows.forEach((r, b) => {
    for (let t = 0; t < r.length; t++) ids[b * width + t] = BigInt(r[t]);
    mask.fill(1n, b * width, b * width + r.length);
  });
  return { dims: [rows.length, width] as [number, number], ids, mask };
};

/**
 * The bench's STS-B sample tokenized for the fixture, cut into the
 * setting's batches for WASM and sentemb's own length buckets for native
 * (the same sentences on both sides).
 */
export const sweepBatches = async (
  s: WasmSetting,
  sentences: number,
): Promise<SweepBatches> => {
  const paths = { ...pathsFromEnv(), allowRemote: false };
  const layer = pathsLayer(paths);
  const w = await Effect.runPromise(
    loadWorkload({ sentences, wasmSentences: sentences }).pipe(
      Effect.provide(layer),
    ),
  );
  const tokenizer = await Effect.runPromise(
    loadPretrainedTokenizer(MODEL).pipe(Effect.provide(layer)),
  );
  const ids = w.main.map((t) => tokenizer.tokenize(t).ids);
  const longest = Math.max(...ids.map((x) => x.length));
  const sorted = [...ids.keys()].sort((a, b) => ids[a].length - ids[b].length);
  const u = s.uniform;
  const buckets = u === undefined
    ? lengthBuckets(ids.map((x) => x.length), s.tokens ?? 8192, s.rows ?? 64)
    : Array.from(
      { length: Math.floor(ids.length / u) },
      (_, b) => sorted.slice(b * u, (b + 1) * u),
    );
  const kept = [...new Set(buckets.flat())];
  const nativeBuckets = lengthBuckets(kept.map((i) => ids[i].length))
    .map((rows) => rows.map((r) => kept[r]));
  const pad = tokenizer.padId ?? 0;
  const batch = (seq?: number) => (rows: number[]) =>
    padTo(rows.map((i) => ids[i]), pad, seq);
  return {
    wasm: buckets.map(batch(u === undefined ? undefined : longest)),
    native: nativeBuckets.map(batch()),
    longest,
    folder: modelFolder(paths, MODEL),
  };
};

/** A batch as the three int64 inputs of a BERT graph. */
export const feeds = <T>(
  Tensor: new (type: "int64", data: BigInt64Array, dims: number[]) => T,
  b: Batch,
): Record<string, T> => ({
  input_ids: new Tensor("int64", b.ids, b.dims),
  attention_mask: new Tensor("int64", b.mask, b.dims),
  token_type_ids: new Tensor("int64", new BigInt64Array(b.ids.length), b.dims),
});
