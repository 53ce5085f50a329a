import { Effect } from "effect";
import { existsSync } from "node:fs";
import { basename } from "node:path";
import type { MissingModelFiles } from "../../errors.ts";
import type { CacheNotWritable } from "../cache_dir.ts";
import { derivedGraph, externalFiles } from "../derived_graph.ts";
import type { OnnxParseError } from "../rewrite/errors.ts";
import { quantizeDynamic } from "./quantize_graph.ts";
import type { WeightType } from "./quantize_weight.ts";

/**
 * Bumped whenever the quantizer's output changes, so stale cached graphs
 * are redone.
 */
export const QUANTIZER_VERSION = 1;

/** A dynamically quantized graph on disk; load `path` like any model. */
export interface QuantizedModel {
  /** The fp32 file it was made from. */
  readonly source: string;
  /** The quantized file (`<cache>/quantized/<key>/<name>.onnx`), or the folder's own. */
  readonly path: string;
  /** MatMul and Gemm nodes made integer (undefined for a folder's own file). */
  readonly quantized?: number;
  /** Those left float, with why. */
  readonly skipped?: ReadonlyArray<string>;
  /** The weights' type. */
  readonly weightType?: WeightType;
  /** Whether scales are per output column. */
  readonly perChannel?: boolean;
}

/** How {@link quantizeModelFile} quantizes. */
export interface QuantizeFileOptions {
  /** `int8` (default, symmetric) or `uint8` weights. */
  readonly weightType?: WeightType;
  /** Scales per output column (default true) or per tensor. */
  readonly perChannel?: boolean;
}

/**
 * Writes (once) the dynamically quantized form of an fp32 ONNX file (see
 * {@link quantizeDynamic}), cached under `<cache>/quantized/` by the source's
 * content hash, the quantizer version and the options (see
 * {@link derivedGraph}). A source whose weights sit in external data gets
 * an external file too (`<name>_int8`): its int8 weights and the float ones
 * it keeps (embeddings), so the graph needs nothing outside its folder.
 */
export const quantizeModelFile: (
  source: string,
  options?: QuantizeFileOptions,
) => Effect.Effect<
  QuantizedModel,
  MissingModelFiles | CacheNotWritable | OnnxParseError
> = Effect.fn("quantizeModelFile")(function* (
  source: string,
  options: QuantizeFileOptions = {},
) {
  const weightType = options.weightType ?? "int8";
  const perChannel = options.perChannel ?? true;
  return yield* derivedGraph(
    source,
    "quantized",
    "quantize.json",
    `${QUANTIZER_VERSION}:${weightType}:${perChannel ? "channel" : "tensor"}`,
    (model, path, out) =>
      Effect.sync(() => {
        const externalFile = externalFiles(model).length > 0
          ? `${basename(out)}_int8`
          : undefined;
        const q = quantizeDynamic(model, {
          weightType,
          perChannel,
          source: path,
          ...(externalFile ? { externalFile } : {}),
        });
        const meta: QuantizedModel = {
          source: path,
          path: out,
          quantized: q.quantized,
          skipped: q.skipped,
          weightType,
          perChannel,
        };
        return {
          graph: q.model,
          meta,
          files: externalFile && q.external
            ? [{ name: externalFile, bytes: q.external }]
            : [],
        };
      }),
  );
});

/**
 * The quantized graphs a folder may ship beside `<stem>.onnx`, in the order
 * they are preferred: transformers.js' `<stem>_quantized.onnx`, then
 * `<stem>_int8.onnx`.
 */
export const ownQuantizedFile = (source: string): string | undefined => {
  const stem = source.replace(/\.onnx$/, "");
  return [`${stem}_quantized.onnx`, `${stem}_int8.onnx`].find((f) =>
    existsSync(f)
  );
};

/**
 * The int8 graph for an fp32 file: the folder's own quantized file when it
 * has one ({@link ownQuantizedFile}), else one quantized here (cached).
 */
export const int8ModelFile = (
  source: string,
  options: QuantizeFileOptions = {},
): Effect.Effect<
  QuantizedModel,
  MissingModelFiles | CacheNotWritable | OnnxParseError
> => {
  const own = ownQuantizedFile(source);
  return own !== undefined
    ? Effect.succeed({ source, path: own })
    : quantizeModelFile(source, options);
};
