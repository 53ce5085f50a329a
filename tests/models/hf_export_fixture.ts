import { Effect } from "effect";
import { fileURLToPath } from "node:url";
import type { Forward } from "../../src/forward/service.ts";
import type { Paths } from "../../src/paths.ts";
import type { PaddedBatch } from "../../src/tokenize/pad_batch.ts";
import { testLayer, testPaths } from "../test_paths.ts";

/** The folder of the Hugging Face exports (../shared/models/hf-exports). */
export const HF_EXPORTS = `${testPaths.models}/hf-exports`;

/** A `.npy` array: its shape and values (float32, int64 as numbers). */
export interface Npy {
  readonly shape: ReadonlyArray<number>;
  readonly data: Float32Array | Float64Array;
}

/** Reads a little-endian C-order `.npy` file of float32 or int64. */
export const readNpy = (path: string): Npy => {
  const bytes = Deno.readFileSync(path);
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  const major = bytes[6];
  const headerLen = major === 1
    ? view.getUint16(8, true)
    : view.getUint32(8, true);
  const start = (major === 1 ? 10 : 12) + headerLen;
  const header = new TextDecoder().decode(
    bytes.subarray(major === 1 ? 10 : 12, start),
  );
  const descr = /'descr':\s*'([^']+)'/.exec(header)![1];
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header)![1].split(",")
    .map((s) => s.trim()).filter((s) => s !== "").map(Number);
  const n = shape.reduce((a, b) => a * b, 1);
  const body = bytes.slice(start);
  if (descr === "<f4") {
    return { shape, data: new Float32Array(body.buffer, 0, n) };
  }
  if (descr === "<i8") {
    const big = new BigInt64Array(body.buffer, 0, n);
    return { shape, data: Float64Array.from(big, (x) => Number(x)) };
  }
  throw new Error(`unsupported dtype ${descr} in ${path}`);
};

/** One export's reference: meta.json and PyTorch's arrays. */
export const loadReference = (name: string) => {
  const dir = `${HF_EXPORTS}/${name}/reference`;
  const meta = JSON.parse(Deno.readTextFileSync(`${dir}/meta.json`)) as {
    readonly model_type: string;
    readonly onnx_file: string;
    readonly padding_side: "left" | "right";
    readonly pad_id: number;
    readonly lengths: ReadonlyArray<number>;
    readonly layers: number;
    readonly hidden: number;
    readonly sentences?: ReadonlyArray<string>;
  };
  const ids = readNpy(`${dir}/input_ids.npy`);
  const mask = readNpy(`${dir}/attention_mask.npy`);
  const [batch, seq] = ids.shape;
  const padded: PaddedBatch = {
    batch,
    seq,
    ids: Int32Array.from(ids.data),
    mask: Uint8Array.from(mask.data),
  };
  return {
    meta,
    padded,
    states: readNpy(`${dir}/hidden_states.npy`),
    pool: (what: string) => readNpy(`${dir}/pool_${what}.npy`),
  };
};

export const rootDir = fileURLToPath(new URL("../../", import.meta.url));

/** Runs an effect with the test services. */
export const runTest = <A, E>(
  e: Effect.Effect<A, E, Forward | Paths>,
) => Effect.runPromise(Effect.provide(e, testLayer));
