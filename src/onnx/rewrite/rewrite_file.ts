import { Effect } from "effect";
import type { MissingModelFiles } from "../../errors.ts";
import type { CacheNotWritable } from "../cache_dir.ts";
import type { OnnxParseError } from "./errors.ts";
import { dirname } from "node:path";
import { derivedGraph, externalFiles } from "../derived_graph.ts";
import { int64, type ModelProto } from "../proto.ts";
import { LayersNotFound } from "./errors.ts";
import { exposeHiddenStates, findLayers } from "./expose.ts";
import type { FinalState } from "./layer_map.ts";
import { liftNoPastBranch } from "./merged_decoder.ts";

/** Bumped whenever the rewrite's output changes, so stale cached graphs are redone. */
const REWRITE_VERSION = 1;

/** A graph input as declared: dims are numbers or symbolic names. */
export interface InputSpec {
  /** The input's name. */
  readonly name: string;
  /** The ONNX element type (a `TensorProto.DataType`). */
  readonly elemType: number;
  /** Its shape. */
  readonly dims: ReadonlyArray<number | string>;
}

/** What the forward stage needs to know about a rewritten model, without parsing it again. */
export interface RewrittenModel {
  /** The original file. */
  readonly source: string;
  /** The rewritten file (`<cache>/rewritten/<key>/<name>.onnx`). */
  readonly path: string;
  /** Which rule found the layers. */
  readonly strategy: string;
  /** The number of transformer layers L. */
  readonly layers: number;
  /** `hidden_states.0 … hidden_states.L`. */
  readonly hiddenStates: ReadonlyArray<string>;
  /** The graph's inputs. */
  readonly inputs: ReadonlyArray<InputSpec>;
  /**
   * Source files of external weights (`model.onnx_data`), symlinked beside
   * the rewritten graph when the process may create links (Deno needs full
   * read and write permission for that).
   */
  readonly externalData: ReadonlyArray<string>;
}

const inputSpecs = (model: ModelProto): InputSpec[] => {
  const inits = new Set((model.graph?.initializer ?? []).map((t) => t.name));
  return (model.graph?.input ?? []).filter((v) => !inits.has(v.name)).map((
    v,
  ) => ({
    name: v.name ?? "",
    elemType: v.type?.tensorType?.elemType ?? 0,
    dims: (v.type?.tensorType?.shape?.dim ?? []).map((d) =>
      d.dimParam
        ? d.dimParam
        : d.dimValue !== null && d.dimValue !== undefined
        ? int64(d.dimValue)
        : "?"
    ),
  }));
};

/**
 * Rewrites an ONNX file to output every hidden state, once (cached under
 * `<cache>/rewritten/`, see {@link derivedGraph}). An Optimum merged
 * decoder is first lifted to its no-cache branch ({@link liftNoPastBranch}).
 */
export const rewriteModelFile: (
  source: string,
  options?: { readonly final?: FinalState },
) => Effect.Effect<
  RewrittenModel,
  MissingModelFiles | CacheNotWritable | OnnxParseError | LayersNotFound
> = Effect.fn("rewriteModelFile")(function* (
  source: string,
  options: { readonly final?: FinalState } = {},
) {
  const final = options.final ?? "normed";
  return yield* derivedGraph(
    source,
    "rewritten",
    "rewrite.json",
    `${REWRITE_VERSION}:${final}`,
    (source, path, out) =>
      Effect.gen(function* () {
        // A merged decoder runs as its no-cache branch (liftNoPastBranch).
        const model = liftNoPastBranch(source);
        const map = findLayers(model, final);
        if (typeof map === "string") {
          return yield* new LayersNotFound({ path, reason: map });
        }
        const meta: RewrittenModel = {
          source: path,
          path: out,
          strategy: map.strategy,
          layers: map.layers,
          hiddenStates: map.taps.map((_, k) => `hidden_states.${k}`),
          inputs: inputSpecs(model),
          externalData: externalFiles(model).map((file) =>
            `${dirname(path)}/${file}`
          ),
        };
        return { graph: exposeHiddenStates(model, map), meta };
      }),
  );
});
