import { type GraphIndex, isConstant } from "./graph_index.ts";
import type { FinalState, LayerMap } from "./layer_map.ts";

/** `/encoder/layer.3/...`, `/model/layers.3/...`, `/transformer/h.3/...`, `/blocks.3/...` */
const LAYER = /^(.*?\/(?:layers?|h|blocks?))\.(\d+)\//;
/** Module names of norms: LayerNorm, input_layernorm, ln_1, ln_f, norm, final_layer_norm, ... */
const NORM_MODULE = /(norm|^ln(_\w+)?$)/i;
/** Quantization ops are named after the tensor they read, so they sit inside its scope by name only. */
const QUANT_OPS = new Set([
  "DynamicQuantizeLinear",
  "QuantizeLinear",
  "DequantizeLinear",
  "MatMulInteger",
]);

interface NormGroup {
  readonly scope: string;
  readonly layer: number | undefined;
  readonly nodes: ReadonlyArray<number>;
  readonly first: number;
  readonly last: number;
}

/** The innermost enclosing module whose name is a norm, e.g. `/encoder/layer.0/output/LayerNorm`. */
const normScope = (name: string): string | undefined => {
  const parts = name.split("/");
  for (let k = parts.length - 2; k >= 1; k--) {
    if (NORM_MODULE.test(parts[k])) return parts.slice(0, k + 1).join("/");
  }
  return undefined;
};

const groupNorms = (ix: GraphIndex): NormGroup[] => {
  const byScope = new Map<string, number[]>();
  ix.nodes.forEach((n, i) => {
    if (QUANT_OPS.has(n.opType ?? "") || n.opType === "Constant") return;
    const scope = normScope(n.name ?? "");
    if (scope === undefined) return;
    const list = byScope.get(scope) ?? [];
    list.push(i);
    byScope.set(scope, list);
  });
  return [...byScope].map(([scope, nodes]) => {
    const m = LAYER.exec(`${scope}/`);
    return {
      scope,
      layer: m === null ? undefined : Number(m[2]),
      nodes,
      first: nodes[0],
      last: nodes[nodes.length - 1],
    };
  }).sort((a, b) => a.first - b.first);
};

/** Tensors a norm group hands to the rest of the graph. */
const groupOutputs = (ix: GraphIndex, g: NormGroup): string[] => {
  const inside = new Set(g.nodes);
  return g.nodes.flatMap((i) =>
    (ix.nodes[i].output ?? []).filter((t) =>
      t !== "" &&
      (ix.graphOutputs.has(t) ||
        (ix.consumers.get(t) ?? []).some((c) => !inside.has(c)))
    )
  );
};

/** Activations a norm group reads from outside itself (weights and constants excluded). */
const groupInputs = (ix: GraphIndex, g: NormGroup): string[] => {
  const inside = new Set(g.nodes);
  const seen = new Set<string>();
  for (const i of g.nodes) {
    for (const t of ix.nodes[i].input ?? []) {
      if (t === "" || isConstant(ix, t)) continue;
      const p = ix.producer.get(t);
      if (p !== undefined && inside.has(p[0])) continue;
      seen.add(t);
    }
  }
  return [...seen];
};

const only = (list: string[], what: string): string => {
  if (list.length !== 1) {
    throw new Error(
      `${what}: expected one tensor, found ${list.length} (${list.join(", ")})`,
    );
  }
  return list[0];
};

/**
 * Layers found from module-path node names, as the PyTorch exporter writes
 * them. Post-norm encoders (BERT family: no norm after the last layer): state
 * 0 is the output of the embedding norm and state k+1 the output of layer
 * k's last norm (`/encoder/layer.k/output/LayerNorm`). Pre-norm decoders
 * (a model-level norm after the last layer): state k is the input of layer
 * k's first norm, the last state the final norm's output (or its input, for
 * `final: "residual"`). Post-norm decoders (OPT-350m: a norm after each
 * residual add, neither an embedding nor a final norm): see
 * {@link postNormDecoder}. A `project_out` after the last layer (OPT whose
 * `word_embed_proj_dim` differs from `hidden_size`) moves the last state to
 * its output, as Hugging Face's `output_hidden_states` returns it. Returns a
 * reason string when names do not fit.
 */
export const findNamedLayers = (
  ix: GraphIndex,
  final: FinalState,
): LayerMap | string => {
  const indices = new Set<number>();
  let lastLayerNode = -1;
  ix.nodes.forEach((n, i) => {
    const m = LAYER.exec(n.name ?? "");
    if (m !== null) {
      indices.add(Number(m[2]));
      lastLayerNode = i;
    }
  });
  const layers = indices.size;
  if (layers === 0) return "no node is named by a layer module path";
  for (let k = 0; k < layers; k++) {
    if (!indices.has(k)) {
      return `layer indices are not 0..${layers - 1} (missing ${k})`;
    }
  }
  const norms = groupNorms(ix);
  const inLayer = (k: number) => norms.filter((g) => g.layer === k);
  const outside = norms.filter((g) => g.layer === undefined);
  const finalNorm = outside.filter((g) => g.first > lastLayerNode).at(-1);
  try {
    if (finalNorm === undefined) {
      const start = firstLayerNode(ix);
      const embNorm = outside.filter((g) => g.first < start).at(-1);
      if (embNorm === undefined) return postNormDecoder(ix, layers, inLayer);
      const taps = [only(groupOutputs(ix, embNorm), embNorm.scope)];
      for (let k = 0; k < layers; k++) {
        const g = inLayer(k).at(-1);
        if (g === undefined) return `layer ${k} has no norm`;
        taps.push(only(groupOutputs(ix, g), g.scope));
      }
      return {
        strategy: "post-norm",
        layers,
        taps: taps.map((tensor) => ({ kind: "tensor", tensor })),
      };
    }
    const taps: string[] = [];
    for (let k = 0; k < layers; k++) {
      const g = inLayer(k)[0];
      if (g === undefined) return `layer ${k} has no norm`;
      taps.push(only(groupInputs(ix, g), g.scope));
    }
    taps.push(
      final === "residual"
        ? only(groupInputs(ix, finalNorm), finalNorm.scope)
        : projectOut(ix, only(groupOutputs(ix, finalNorm), finalNorm.scope)),
    );
    return {
      strategy: "pre-norm",
      layers,
      taps: taps.map((tensor) => ({ kind: "tensor", tensor })),
    };
  } catch (e) {
    return (e as Error).message;
  }
};

const firstLayerNode = (ix: GraphIndex): number =>
  ix.nodes.findIndex((n) => LAYER.test(n.name ?? ""));

/** Ops that only reshape or rename a tensor between a residual add and a norm. */
const PASS_THROUGH = new Set([
  "Reshape",
  "Identity",
  "Cast",
  "Squeeze",
  "Unsqueeze",
]);

/**
 * A post-norm decoder (OPT with `do_layer_norm_before: false`): every
 * layer's last norm (`final_layer_norm`) is its output, and no norm precedes
 * the layers. State 0, the embedding output (after `project_in` and the
 * positions), is the residual operand of layer 0's first add: of the two
 * inputs of the `Add` that feeds layer 0's first norm, the one not computed
 * inside layer 0. State k is layer k−1's last norm output; the last state
 * goes through `project_out` when there is one.
 */
const postNormDecoder = (
  ix: GraphIndex,
  layers: number,
  inLayer: (k: number) => NormGroup[],
): LayerMap | string => {
  const first = inLayer(0)[0];
  if (first === undefined) return "layer 0 has no norm";
  let t = only(groupInputs(ix, first), first.scope);
  let p = ix.producer.get(t);
  while (p !== undefined && PASS_THROUGH.has(ix.nodes[p[0]].opType ?? "")) {
    t = ix.nodes[p[0]].input?.[0] ?? "";
    p = ix.producer.get(t);
  }
  if (p === undefined || ix.nodes[p[0]].opType !== "Add") {
    return "post-norm model without an embedding norm, and layer 0's first norm does not read a residual add";
  }
  const inLayer0 = (x: string) => {
    const q = ix.producer.get(x);
    const m = q === undefined ? null : LAYER.exec(ix.nodes[q[0]].name ?? "");
    return m !== null && Number(m[2]) === 0;
  };
  const residual = (ix.nodes[p[0]].input ?? []).filter((x) =>
    x !== "" && !isConstant(ix, x) && !inLayer0(x)
  );
  const taps = [only(residual, `the residual add ${ix.nodes[p[0]].name}`)];
  for (let k = 0; k < layers; k++) {
    const g = inLayer(k).at(-1);
    if (g === undefined) return `layer ${k} has no norm`;
    taps.push(only(groupOutputs(ix, g), g.scope));
  }
  taps[layers] = projectOut(ix, taps[layers]);
  return {
    strategy: "post-norm-decoder",
    layers,
    taps: taps.map((tensor) => ({ kind: "tensor", tensor })),
  };
};

/**
 * The output of a `project_out` module reading `last` (OPT's projection of
 * the last state to `word_embed_proj_dim`), else `last` itself.
 */
const projectOut = (ix: GraphIndex, last: string): string => {
  const nodes = ix.nodes.flatMap((n, i) =>
    /\/project_out\//.test(n.name ?? "") ? [i] : []
  );
  if (nodes.length === 0) return last;
  const group: NormGroup = {
    scope: "project_out",
    layer: undefined,
    nodes,
    first: nodes[0],
    last: nodes[nodes.length - 1],
  };
  if (!groupInputs(ix, group).includes(last)) return last;
  return only(groupOutputs(ix, group), "project_out");
};
