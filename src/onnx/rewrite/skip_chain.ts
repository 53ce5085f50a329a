import type { GraphIndex } from "./graph_index.ts";
import type { FinalState, LayerMap, Tap } from "./layer_map.ts";

const SKIP_NORMS = new Set([
  "SkipSimplifiedLayerNormalization",
  "SkipLayerNormalization",
]);

/**
 * Pre-norm decoders fused by onnxruntime (SmolLM3, Phi-3, Llama exports of
 * onnxruntime-genai): every residual add is folded into a skip norm whose
 * output 3 carries the sum on to the next one. Following that chain from
 * the embedding gives two skip norms per layer (after attention, then the
 * next layer's input norm or the final norm), so the residual stream after
 * layer k is output 3 of chain[2k - 1] and the last state is the final
 * norm's output. Returns a reason string when the graph has no such chain.
 */
export const findSkipChain = (
  ix: GraphIndex,
  final: FinalState,
): LayerMap | string => {
  const skips = ix.nodes.flatMap((n, i) =>
    SKIP_NORMS.has(n.opType ?? "") ? [i] : []
  );
  if (skips.length === 0) return "no fused skip norms";
  const sumOf = (i: number) => ix.nodes[i].output?.[3] ?? "";
  const next = new Map<number, number>();
  const hasPrev = new Set<number>();
  for (const i of skips) {
    const sum = sumOf(i);
    if (sum === "") continue;
    const readers = (ix.consumers.get(sum) ?? []).filter((c) =>
      SKIP_NORMS.has(ix.nodes[c].opType ?? "") &&
      (ix.nodes[c].input ?? []).slice(0, 2).includes(sum)
    );
    if (readers.length !== 1) {
      return `skip norm ${
        ix.nodes[i].name
      } passes its sum to ${readers.length} skip norms, expected 1`;
    }
    next.set(i, readers[0]);
    hasPrev.add(readers[0]);
  }
  const starts = skips.filter((i) => !hasPrev.has(i));
  if (starts.length !== 1) {
    return `${starts.length} skip-norm chains, expected 1`;
  }
  const chain = [starts[0]];
  while (next.has(chain[chain.length - 1])) {
    chain.push(next.get(chain[chain.length - 1])!);
  }
  if (chain.length !== skips.length) {
    return `the skip-norm chain links ${chain.length} of ${skips.length} skip norms`;
  }
  if (chain.length % 2 !== 0) {
    return `odd number of skip norms (${chain.length})`;
  }
  const layers = chain.length / 2;
  const taps: Tap[] = [{ kind: "tensor", tensor: residualInput(ix, chain[0]) }];
  for (let k = 1; k < layers; k++) {
    taps.push({ kind: "skipSum", node: chain[2 * k - 1] });
  }
  const last = chain[chain.length - 1];
  taps.push(
    final === "residual"
      ? { kind: "skipSum", node: last }
      : { kind: "tensor", tensor: ix.nodes[last].output?.[0] ?? "" },
  );
  return { strategy: "skip-norm-chain", layers, taps };
};

/**
 * Of the first skip norm's two inputs, the residual (the embedding output)
 * is the one the first layer's input norm also reads.
 */
const residualInput = (ix: GraphIndex, first: number): string => {
  const [a, b] = ix.nodes[first].input ?? [];
  const readers = ix.consumers.get(b) ?? [];
  const bIsNormed = readers.some((c) =>
    /Normalization$/.test(ix.nodes[c].opType ?? "") && c !== first
  );
  return bIsNormed ? b : a;
};
