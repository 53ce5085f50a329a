import type { GraphProto, ModelProto, NodeProto } from "../proto.ts";

/** The boolean input of Optimum's merged decoders that picks the branch. */
export const USE_CACHE_BRANCH = "use_cache_branch";

const PAST = /^past_key_values\./;

/** Every tensor the nodes read, subgraphs included (they may read the outer scope). */
const reads = (nodes: ReadonlyArray<NodeProto>, into = new Set<string>()) => {
  for (const n of nodes) {
    for (const t of n.input ?? []) if (t !== "") into.add(t);
    for (const a of n.attribute ?? []) {
      for (const g of [a.g, ...(a.graphs ?? [])]) {
        if (g) reads(g.node ?? [], into);
      }
    }
  }
  return into;
};

const branch = (node: NodeProto, name: string): GraphProto | undefined =>
  (node.attribute ?? []).find((a) => a.name === name)?.g ?? undefined;

/**
 * Optimum's merged decoder (`decoder_model_merged.onnx`, the file
 * transformers.js repos ship for decoders) as a plain decoder without a
 * cache. Its main graph is one `If` on the `use_cache_branch` input holding
 * the whole decoder twice — with the cache (`then_branch`) and without
 * (`else_branch`) — so every layer's tensors live inside the branch
 * subgraphs, where neither the layer finder nor a graph output can reach
 * them. Embeddings never use the cache, so the rewrite lifts the no-cache
 * branch into the main graph: the `If` is replaced by that branch's nodes
 * (an `Identity` per output whose name differs from the If's), inputs no
 * node reads any more (`use_cache_branch`, `past_key_values.N.*`) are
 * dropped, and the initializers — shared by both branches from the outer
 * scope — are kept. The result is the plain `decoder_model.onnx`, which the
 * usual rewrite then handles. The branch without the cache is the
 * `else_branch` (Optimum's layout), or whichever branch reads no
 * `past_key_values`. A graph without such an `If` is returned unchanged.
 */
export const liftNoPastBranch = (model: ModelProto): ModelProto => {
  const g = model.graph ?? {};
  const nodes = g.node ?? [];
  const inputs = new Set((g.input ?? []).map((v) => v.name ?? ""));
  const at = nodes.findIndex((n) =>
    n.opType === "If" && n.input?.[0] === USE_CACHE_BRANCH &&
    inputs.has(USE_CACHE_BRANCH)
  );
  if (at < 0) return model;
  const ifNode = nodes[at];
  const readsPast = (b: GraphProto) =>
    [...reads(b.node ?? [])].some((t) => PAST.test(t));
  const noPast = [branch(ifNode, "else_branch"), branch(ifNode, "then_branch")]
    .find((b) => b !== undefined && !readsPast(b));
  if (noPast === undefined) return model;
  const outs = ifNode.output ?? [];
  const bridges: NodeProto[] = (noPast.output ?? []).flatMap((v, k) =>
    outs[k] && outs[k] !== v.name
      ? [{
        name: `/sentemb/lift/${outs[k]}/Identity`,
        opType: "Identity",
        domain: "",
        input: [v.name ?? ""],
        output: [outs[k]],
      }]
      : []
  );
  const lifted = [
    ...nodes.slice(0, at),
    ...(noPast.node ?? []),
    ...bridges,
    ...nodes.slice(at + 1),
  ];
  const used = reads(lifted);
  for (const v of g.output ?? []) used.add(v.name ?? "");
  return {
    ...model,
    graph: {
      ...g,
      node: lifted,
      input: (g.input ?? []).filter((v) =>
        v.name !== USE_CACHE_BRANCH && used.has(v.name ?? "")
      ),
      initializer: [...(g.initializer ?? []), ...(noPast.initializer ?? [])],
      valueInfo: [...(g.valueInfo ?? []), ...(noPast.valueInfo ?? [])],
    },
  };
};
