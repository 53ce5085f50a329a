import { Effect } from "effect";
import type { MissingModelFiles } from "../../errors.ts";
import type { CacheNotWritable } from "../cache_dir.ts";
import type { OnnxParseError } from "../rewrite/errors.ts";
import { derivedGraph } from "../derived_graph.ts";
import { LayersNotFound } from "../rewrite/errors.ts";
import { findLayers } from "../rewrite/expose.ts";
import { liftNoPastBranch } from "../rewrite/merged_decoder.ts";
import { TokenPrependingUnsupported } from "./errors.ts";
import { type LayerRange, tokenPrependingGraph } from "./graph.ts";

/** Bumped whenever the rewrite's output changes, so stale cached graphs are redone. */
const TP_VERSION = 1;

/** A Token-Prepending graph on disk; load `path` through the forward stage like any model. */
export interface TokenPrependingModel {
  /** The original file. */
  readonly source: string;
  /** The rewritten file (`<cache>/tp/<key>/<name>.onnx`), with a `tp_mask` input. */
  readonly path: string;
  /** The first layer rewritten. */
  readonly start: number;
  /** The first layer not rewritten. */
  readonly exit: number;
  /** The decoder's layer count L. */
  readonly layers: number;
  /** How the layer inputs were found (`pre-norm`, `skip-norm-chain`). */
  readonly strategy: string;
}

/**
 * Writes (once) the Token-Prepending form of a decoder's ONNX file for the
 * layer range [start, exit), cached under `<cache>/tp/` (see
 * {@link derivedGraph}).
 */
export const tokenPrependingFile: (
  source: string,
  range: LayerRange,
) => Effect.Effect<
  TokenPrependingModel,
  | MissingModelFiles
  | CacheNotWritable
  | OnnxParseError
  | LayersNotFound
  | TokenPrependingUnsupported
> = Effect.fn("tokenPrependingFile")(
  function* (source: string, range: LayerRange) {
    return yield* derivedGraph(
      source,
      "tp",
      "tp.json",
      `${TP_VERSION}:${range.start}:${range.exit}`,
      (source, path, out) =>
        Effect.gen(function* () {
          const model = liftNoPastBranch(source);
          const map = findLayers(model);
          if (typeof map === "string") {
            return yield* new LayersNotFound({ path, reason: map });
          }
          const graph = tokenPrependingGraph(model, map, range);
          if (typeof graph === "string") {
            return yield* new TokenPrependingUnsupported({
              path,
              reason: graph,
            });
          }
          const meta: TokenPrependingModel = {
            source: path,
            path: out,
            start: range.start,
            exit: range.exit,
            layers: map.layers,
            strategy: map.strategy,
          };
          return { graph, meta };
        }),
    );
  },
);
