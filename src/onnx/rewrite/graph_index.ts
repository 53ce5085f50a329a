import type { GraphProto, NodeProto } from "../proto.ts";

/** Who produces and who consumes each tensor of a graph (top level only). */
export interface GraphIndex {
  readonly nodes: ReadonlyArray<NodeProto>;
  /** tensor → [node index, output slot] */
  readonly producer: ReadonlyMap<string, readonly [number, number]>;
  /** tensor → indices of the nodes reading it */
  readonly consumers: ReadonlyMap<string, ReadonlyArray<number>>;
  readonly initializers: ReadonlySet<string>;
  readonly graphOutputs: ReadonlySet<string>;
}

export const indexGraph = (g: GraphProto): GraphIndex => {
  const nodes = g.node ?? [];
  const producer = new Map<string, readonly [number, number]>();
  const consumers = new Map<string, number[]>();
  nodes.forEach((n, i) => {
    (n.output ?? []).forEach((t, slot) => {
      if (t !== "") producer.set(t, [i, slot]);
    });
    for (const t of n.input ?? []) {
      if (t === "") continue;
      const list = consumers.get(t);
      if (list === undefined) consumers.set(t, [i]);
      else if (list[list.length - 1] !== i) list.push(i);
    }
  });
  return {
    nodes,
    producer,
    consumers,
    initializers: new Set((g.initializer ?? []).map((t) => t.name ?? "")),
    graphOutputs: new Set((g.output ?? []).map((v) => v.name ?? "")),
  };
};

/** Whether a tensor is a weight or a constant rather than an activation. */
export const isConstant = (ix: GraphIndex, tensor: string): boolean => {
  if (ix.initializers.has(tensor)) return true;
  const p = ix.producer.get(tensor);
  return p !== undefined && ix.nodes[p[0]].opType === "Constant";
};
