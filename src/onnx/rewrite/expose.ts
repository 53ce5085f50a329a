import { DataType, type ModelProto, type NodeProto } from "../proto.ts";
import { indexGraph } from "./graph_index.ts";
import { findNamedLayers } from "./named_layers.ts";
import { findSkipChain } from "./skip_chain.ts";
import type { FinalState, LayerMap } from "./layer_map.ts";

/** The prefix of the graph outputs the rewrite exposes (`hidden_states.0 … hidden_states.L`). */
export const HIDDEN_STATE_PREFIX = "hidden_states.";

/**
 * Locates the layers of a transformer graph: the fused skip-norm chain
 * first (its residual stream has no other name), then module-path names.
 * Returns the reasons of every rule when none fits.
 */
export const findLayers = (
  model: ModelProto,
  final: FinalState = "normed",
): LayerMap | string => {
  const ix = indexGraph(model.graph ?? {});
  const chain = findSkipChain(ix, final);
  if (typeof chain !== "string") return chain;
  const named = findNamedLayers(ix, final);
  if (typeof named !== "string") return named;
  return `${chain}; ${named}`;
};

/**
 * Returns a copy of `model` whose graph also outputs `hidden_states.0 … L`
 * (an `Identity` of each tapped tensor), adding output 3 to skip norms that
 * lack it. Nodes, initializers and external-data references are shared with
 * the input, not copied: weights stay where they are.
 */
export const exposeHiddenStates = (
  model: ModelProto,
  map: LayerMap,
): ModelProto => {
  const graph = model.graph ?? {};
  const nodes: NodeProto[] = [...(graph.node ?? [])];
  const elemType = graph.output?.[0]?.type?.tensorType?.elemType ??
    DataType.FLOAT;
  const outputs = [...(graph.output ?? [])];
  map.taps.forEach((tap, k) => {
    let tensor: string;
    if (tap.kind === "tensor") {
      tensor = tap.tensor;
    } else {
      const node = nodes[tap.node];
      const outs = [...(node.output ?? [])];
      while (outs.length < 4) outs.push("");
      if (outs[3] === "") outs[3] = `${node.name}/sentemb_sum_output_3`;
      nodes[tap.node] = { ...node, output: outs };
      tensor = outs[3];
    }
    const name = `${HIDDEN_STATE_PREFIX}${k}`;
    nodes.push({
      name: `/sentemb/${name}/Identity`,
      opType: "Identity",
      domain: "",
      input: [tensor],
      output: [name],
    });
    outputs.push({ name, type: { tensorType: { elemType } } });
  });
  return { ...model, graph: { ...graph, node: nodes, output: outputs } };
};
